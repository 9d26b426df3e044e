import path from 'node:path';
import { readWorkerConfig } from '../../../common/worker-config';
import { DEFAULT_CODEC_SERVER_PORT } from '../../../common/codec-server-port';
import type { StackPaths } from '../../../common/stack-paths';
import type { NodeProgram } from './node-program';
import { workerVersionEnv, type WorkerVersion } from './worker-deployment';

/** Worker groups get metrics ports from here up, in the worker config's order; the dev default 9464 stays free. */
const FIRST_WORKER_METRICS_PORT = 9471;
/** Their /livez and /readyz, likewise. */
const FIRST_WORKER_HEALTH_PORT = 9481;
/** Two bridges in the default consumer group; `npm run bridge` (9466, the demo's) can join them. */
export const BRIDGE_PORTS = [9476, 9477] as const;

/**
 * One worker process per group of the worker config, as the Helm chart runs one Deployment per group, each polling
 * as `version` of the Worker Deployment.
 */
export function workerPrograms(
  paths: StackPaths,
  version: WorkerVersion,
  env: NodeJS.ProcessEnv = process.env,
): NodeProgram[] {
  const configFile = env.WORKER_CONFIG ?? path.join(paths.repoDir, 'workers', 'worker-config.json');
  const { groups, shutdownGraceSeconds } = readWorkerConfig(configFile);
  return Object.keys(groups).map((group, index) => {
    const metricsPort = FIRST_WORKER_METRICS_PORT + index;
    const port = FIRST_WORKER_HEALTH_PORT + index;
    return {
      name: `worker-${group}`,
      entry: path.join('workers', 'main.ts'),
      args: ['--group', group, '--metrics-port', String(metricsPort), '--health-port', String(port)],
      env: workerVersionEnv(version),
      port,
      healthPath: '/readyz',
      readyLine: 'workers polling',
      describe: `worker group ${group}, build ${version.buildId}, :${port}/readyz, metrics :${metricsPort}/metrics`,
      // Past the worker's own drain, so that a stop lets running activities finish.
      graceMs: (shutdownGraceSeconds + 10) * 1000,
    };
  });
}

export function bridgePrograms(): NodeProgram[] {
  return BRIDGE_PORTS.map((port, index) => ({
    name: `bridge-${index + 1}`,
    entry: path.join('client', 'bridge', 'main.ts'),
    env: { BRIDGE_PORT: String(port) },
    port,
    healthPath: '/readyz',
    describe: `consumer group tenant-deletion-bridge, :${port}/readyz`,
    graceMs: 30_000,
  }));
}

/** The Web UI decodes payloads through it. */
export function codecServerProgram(): NodeProgram {
  return {
    name: 'codec',
    entry: path.join('client', 'codec-server', 'main.ts'),
    env: { CODEC_SERVER_PORT: String(DEFAULT_CODEC_SERVER_PORT) },
    port: DEFAULT_CODEC_SERVER_PORT,
    healthPath: '/healthz',
    describe: 'payload codec server for the Web UI',
    graceMs: 5_000,
  };
}
