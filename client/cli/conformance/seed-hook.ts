import { spawn } from 'node:child_process';
import { CliError, EXIT } from '../exit-codes';
import type { OutStream } from '../output';
import type { ProbeTarget } from './service-probe';

/**
 * `--seed-command`: a shell command that gives the test tenant data before the data checks, told which tenant and
 * service in CONFORMANCE_TENANT, CONFORMANCE_BASE_URL and CONFORMANCE_SERVICE_TYPE. Its output goes to stderr, so
 * that `--json` keeps stdout one document.
 */
export async function runSeedCommand(
  command: string,
  tenantId: string,
  target: ProbeTarget,
  io: { env: NodeJS.ProcessEnv; stderr: OutStream },
  signal: AbortSignal,
): Promise<void> {
  const child = spawn(command, {
    shell: true,
    env: {
      ...io.env,
      CONFORMANCE_TENANT: tenantId,
      CONFORMANCE_BASE_URL: target.baseUrl,
      CONFORMANCE_SERVICE_TYPE: target.serviceType,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  child.stdout.on('data', (chunk: Buffer) => io.stderr.write(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new CliError(
      `the seed command exited with ${code ?? 'a signal'} for tenant ${tenantId}: no check was run`,
      EXIT.failed,
      'run it by hand with CONFORMANCE_TENANT set to see why',
      'SEED_FAILED',
    );
  }
}
