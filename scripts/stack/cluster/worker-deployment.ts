import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { StackPaths } from '../../../common/stack-paths';
import type { Component, Health } from '../component';
import { runLogged } from '../daemon';
import { waitUntil } from '../ports';
import { StackError } from '../stack-error';
import { temporalBinary } from '../temporal';
import { FRONTEND_PORT } from './temporal-server-config';

/**
 * Worker Versioning on the cluster profile: the stack's workers poll as one Worker Deployment Version, named after
 * the checkout, and the stack makes that version current once its pollers are there, as a rollout would.
 */
export const WORKER_DEPLOYMENT_NAME = 'tenant-deletion';
const NAMESPACE = 'default';
const SET_CURRENT_TIMEOUT_MS = 180_000;

export interface WorkerVersion {
  deploymentName: string;
  buildId: string;
}

/** The checkout's short commit, marked when the work tree differs from it: two builds of one commit differ too. */
export function buildIdOf(repoDir: string): string {
  const git = (args: string[]) => spawnSync('git', args, { cwd: repoDir, encoding: 'utf8' });
  const head = git(['rev-parse', '--short=12', 'HEAD']);
  if (head.status !== 0) return 'local';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '-dirty' : ''}`;
}

function versionFile(paths: StackPaths): string {
  return path.join(paths.stateDir, 'cluster', 'worker-version.json');
}

/** The version recorded when the stack's workers started, if they did. */
export function recordedWorkerVersion(paths: StackPaths): WorkerVersion | undefined {
  try {
    return JSON.parse(fs.readFileSync(versionFile(paths), 'utf8')) as WorkerVersion;
  } catch {
    return undefined;
  }
}

/** The version running workers carry, else the checkout's: a stack:up over running workers keeps theirs. */
export function workerVersion(paths: StackPaths): WorkerVersion {
  return recordedWorkerVersion(paths) ?? { deploymentName: WORKER_DEPLOYMENT_NAME, buildId: buildIdOf(paths.repoDir) };
}

export function workerVersionEnv(version: WorkerVersion): NodeJS.ProcessEnv {
  return { TEMPORAL_WORKER_DEPLOYMENT_NAME: version.deploymentName, TEMPORAL_WORKER_BUILD_ID: version.buildId };
}

async function currentBuildId(deploymentName: string): Promise<string | undefined> {
  const connection = await Connection.connect({ address: `localhost:${FRONTEND_PORT}`, connectTimeout: '3s' });
  try {
    const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({
      namespace: NAMESPACE,
      deploymentName,
    });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId ?? undefined;
  } finally {
    await connection.close();
  }
}

/** The version's place in the stack: started after the workers, it makes their version current. */
export function workerDeploymentComponent(paths: StackPaths, version: WorkerVersion): Component {
  const name = 'deployment';
  const logFile = path.join(paths.logDir, 'cluster-worker-deployment.log');
  const label = `${version.deploymentName}:${version.buildId}`;

  async function health(): Promise<Health> {
    try {
      const current = await currentBuildId(version.deploymentName);
      return current === version.buildId
        ? { healthy: true, detail: `Worker Deployment ${version.deploymentName}, current build ${current}` }
        : {
            healthy: false,
            detail: `current build of ${version.deploymentName} is ${current ?? 'none'}, not ${version.buildId}`,
          };
    } catch (error) {
      return { healthy: false, detail: `${version.deploymentName}: ${(error as Error).message}` };
    }
  }

  return {
    name,
    address: version.deploymentName,
    logFile,
    async install() {},
    async start() {
      fs.mkdirSync(path.dirname(versionFile(paths)), { recursive: true });
      fs.writeFileSync(versionFile(paths), `${JSON.stringify(version)}\n`);
      if ((await health()).healthy) return;
      // Refused until every task queue of the version has pollers registered: asked again until they have.
      const set = await waitUntil(
        async () => {
          runLogged(
            temporalBinary(paths),
            [
              'worker',
              'deployment',
              'set-current-version',
              '--deployment-name',
              version.deploymentName,
              '--build-id',
              version.buildId,
              '--yes',
              '--address',
              `localhost:${FRONTEND_PORT}`,
              '--namespace',
              NAMESPACE,
            ],
            logFile,
          );
          return true;
        },
        // The server answers through its own deployment workflows, which on a busy 2-core machine's first start
        // took over a minute to give the CLI a conflict token (each try then times out after 10 s).
        { timeoutMs: SET_CURRENT_TIMEOUT_MS, intervalMs: 2_000 },
      );
      if (!set)
        throw new StackError(
          name,
          `could not make ${label} the current version within ${SET_CURRENT_TIMEOUT_MS / 1000} s`,
          logFile,
        );
    },
    health,
    // Forgotten with the workers: the next stack:up names the version after the checkout it starts from.
    async stop() {
      fs.rmSync(versionFile(paths), { force: true });
    },
    async purge() {},
  };
}
