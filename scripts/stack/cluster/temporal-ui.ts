import fs from 'node:fs';
import path from 'node:path';
import type { StackPaths } from '../../../common/stack-paths';
import type { Component, Health } from '../component';
import { runningPid, startDaemon, stopDaemon, waitWhileRunning } from '../daemon';
import { isPortOpen, refuseHeldPorts } from '../ports';
import { StackError } from '../stack-error';
import { LOCAL_CODEC_ENDPOINT } from '../temporal';
import { binaryPath, installGoBinaries, type GoBinaries } from './go-binaries';
import { FRONTEND_PORT } from './temporal-server-config';

export const UI_PORT = 8233;
/** Its module embeds the built Web UI (ui/assets), so the binary serves the pages itself. */
const UI_BINARIES: GoBinaries = {
  module: 'github.com/temporalio/ui-server/v2',
  version: 'v2.42.1',
  goVersion: '1.24.0',
  commands: { 'cmd/server': 'temporal-ui-server' },
};
const ENVIRONMENT = 'cluster';

/** The UI server's config, in the shape of its module's config/development.yaml; JSON is YAML. */
export function temporalUiConfig(): Record<string, unknown> {
  return {
    temporalGrpcAddress: `127.0.0.1:${FRONTEND_PORT}`,
    host: '127.0.0.1',
    port: UI_PORT,
    enableUi: true,
    defaultNamespace: 'default',
    cors: { cookieInsecure: true, allowOrigins: [`http://localhost:${UI_PORT}`] },
    refreshInterval: '1m',
    notifyOnNewVersion: false,
    codec: { endpoint: LOCAL_CODEC_ENDPOINT },
  };
}

export function temporalUiComponent(paths: StackPaths): Component {
  const name = 'web-ui';
  const dataDir = path.join(paths.stateDir, 'cluster', 'web-ui');
  const logFile = path.join(paths.logDir, 'cluster-web-ui.log');
  const daemon = { pidFile: path.join(dataDir, 'web-ui.pid'), signature: 'temporal-ui-server', logFile };
  const address = `localhost:${UI_PORT}`;

  async function health(): Promise<Health> {
    if (!(await isPortOpen(UI_PORT))) return { healthy: false, detail: `nothing listens on ${address}` };
    try {
      const page = await fetch(`http://localhost:${UI_PORT}/`, { signal: AbortSignal.timeout(3_000) });
      if (!page.ok) return { healthy: false, detail: `http://localhost:${UI_PORT}/ answered ${page.status}` };
      const settings = (await fetch(`http://localhost:${UI_PORT}/api/v1/settings`, {
        signal: AbortSignal.timeout(3_000),
      }).then((response) => response.json())) as { Codec?: { Endpoint?: string } };
      return settings.Codec?.Endpoint === LOCAL_CODEC_ENDPOINT
        ? { healthy: true, detail: `Web UI http://localhost:${UI_PORT}, codec endpoint ${LOCAL_CODEC_ENDPOINT}` }
        : {
            healthy: false,
            detail: `codec endpoint is ${settings.Codec?.Endpoint || 'unset'}, not ${LOCAL_CODEC_ENDPOINT}`,
          };
    } catch (error) {
      return { healthy: false, detail: `does not answer: ${(error as Error).message}` };
    }
  }

  return {
    name,
    address,
    logFile,
    async install() {
      installGoBinaries(paths, UI_BINARIES, name, logFile);
    },
    async start() {
      if (runningPid(daemon) === undefined) {
        await refuseHeldPorts(name, [UI_PORT]);
        fs.mkdirSync(dataDir, { recursive: true });
        fs.writeFileSync(path.join(dataDir, `${ENVIRONMENT}.yaml`), `${JSON.stringify(temporalUiConfig(), null, 2)}\n`);
        startDaemon({
          ...daemon,
          command: binaryPath(paths, 'temporal-ui-server'),
          args: ['--root', dataDir, '--config', '.', '--env', ENVIRONMENT, 'start'],
        });
      }
      const ready = await waitWhileRunning(name, daemon, async () => (await health()).healthy, 30_000);
      if (!ready) throw new StackError(name, `not healthy within 30 s: ${(await health()).detail}`, logFile);
    },
    health,
    async stop() {
      await stopDaemon(daemon, 5_000);
    },
    async purge() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
