import path from 'node:path';
import {
  ensureIdentityIssuerKey,
  IDENTITY_ISSUER_PORT,
  LOCAL_IDENTITY_JWKS_URL,
  loadDevIdentityIssuer,
} from '../../client/authorization/dev-identity-issuer';
import type { StackPaths } from '../../common/stack-paths';
import type { Component, Health } from './component';
import { runningPid, startDaemon, stopDaemon, waitWhileRunning } from './daemon';
import { isPortOpen, refuseHeldPorts } from './ports';
import { StackError } from './stack-error';

/**
 * The dev identity issuer as a stack component: a small Node process serving the JWKS of the key `tdel dev-token`
 * signs with. Healthy only when it serves that very key, so a key made after it started shows up as a fault.
 */

export function identityIssuerComponent(paths: StackPaths, env: NodeJS.ProcessEnv = process.env): Component {
  const name = 'identity';
  const logFile = path.join(paths.logDir, 'identity-issuer.log');
  const entry = path.join(paths.repoDir, 'scripts', 'stack', 'identity-issuer-main.ts');
  // The signature is the entry's path inside a checkout, not its absolute path: the stack's state is shared by every
  // clone on the machine, so an issuer one clone started is the one another clone's stack:up and stack:down find.
  const signature = path.join('scripts', 'stack', 'identity-issuer-main.ts');
  const daemon = { pidFile: path.join(paths.stateDir, 'identity-issuer.pid'), signature, logFile };
  const address = `localhost:${IDENTITY_ISSUER_PORT}`;

  async function health(): Promise<Health> {
    if (!(await isPortOpen(IDENTITY_ISSUER_PORT))) return { healthy: false, detail: `nothing listens on ${address}` };
    try {
      const expected = (await loadDevIdentityIssuer(env)).publicJwk.kid;
      const response = await fetch(LOCAL_IDENTITY_JWKS_URL, { signal: AbortSignal.timeout(3000) });
      const served = ((await response.json()) as { keys?: { kid?: string }[] }).keys ?? [];
      if (!served.some((key) => key.kid === expected)) {
        return {
          healthy: false,
          detail: `serves keys ${served.map((key) => key.kid).join(', ') || 'none'}, not the key file's ${expected}: restart it (stack:down, stack:up)`,
        };
      }
      return { healthy: true, detail: `JWKS ${LOCAL_IDENTITY_JWKS_URL} (tdel dev-token)` };
    } catch (error) {
      return { healthy: false, detail: `JWKS does not answer: ${(error as Error).message}` };
    }
  }

  return {
    name,
    address,
    logFile,
    async install() {
      ensureIdentityIssuerKey(env);
    },
    async start() {
      if (runningPid(daemon) !== undefined) return;
      // An issuer serving this very key (one whose pid file was lost) serves the stack as well as a new one would.
      if ((await health()).healthy) return;
      await refuseHeldPorts(name, [IDENTITY_ISSUER_PORT]);
      // One process (no tsx wrapper), so the pid file names the server that a stop must end.
      startDaemon({
        ...daemon,
        command: process.execPath,
        args: ['--import', 'tsx', entry],
        cwd: paths.repoDir,
        env,
      });
      const ready = await waitWhileRunning(name, daemon, async () => (await health()).healthy, 30_000);
      if (!ready) throw new StackError(name, `not healthy within 30 s: ${(await health()).detail}`, logFile);
    },
    health,
    async stop() {
      await stopDaemon(daemon, 5_000);
    },
    // The key is a secret of the state directory, kept like the other local keys: tokens printed stay valid.
    async purge() {},
  };
}
