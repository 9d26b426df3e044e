import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StackPaths } from '../../../common/stack-paths';
import type { Component } from '../component';
import { recordedWorkerVersion, workerVersionEnv } from './worker-deployment';

/**
 * For runs (the chaos suite, the bench) that start their own workers and bridges with their own settings on the
 * cluster profile: the stack's own ones would take part of the run's work with other settings, so they rest while
 * the run goes on, and the run's workers are one process per group, as the stack runs them.
 */

/** Stops the stack's workers and bridges among `components`; the returned function starts them again. */
export async function pauseStackPrograms(components: Component[]): Promise<() => Promise<void>> {
  const programs = components.filter((c) => c.name.startsWith('worker-') || c.name.startsWith('bridge-'));
  await Promise.all(programs.map((program) => program.stop()));
  return async () => {
    for (const program of programs) await program.start();
  };
}

export interface WorkerConfigLike {
  groups: Record<string, unknown>;
  [key: string]: unknown;
}

/** One worker config file per group of `config`, each holding only that group and no metrics port. */
export function singleGroupConfigs(config: WorkerConfigLike, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.groups).map(([group, queues]) => {
      const file = path.join(os.tmpdir(), `${prefix}-${group}.json`);
      fs.writeFileSync(file, JSON.stringify({ ...config, groups: { [group]: queues }, metricsPort: 0 }));
      return [group, file];
    }),
  );
}

/**
 * The Worker Deployment Version the stack made current: a run's workers must poll as it, since Temporal sends a
 * versioned task queue's tasks to the current version's pollers only.
 */
export function stackWorkerVersionEnv(paths: StackPaths): NodeJS.ProcessEnv {
  const version = recordedWorkerVersion(paths);
  if (!version)
    throw new Error('the cluster stack recorded no worker version: run `npm run stack:up -- --profile cluster`');
  return workerVersionEnv(version);
}
