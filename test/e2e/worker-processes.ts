import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkerConfig } from '../../common/worker-config';
import type { RunningFleet } from '../../services/fleet/fleet';
import { e2eWorkerConfig } from './e2e-stack';

/**
 * `npm run worker` as real processes, for the tests that kill or drain one: each in its own process group, so that
 * SIGKILL takes tsx and node alike, and every one still alive is killed by close(), so that a failed test cannot
 * leave one polling the shared queues.
 */

const repo = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** What it printed on stdout alone: its log lines. */
  stdout(): string;
  /** Its exit code (null when a signal ended it) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class WorkerProcesses {
  private readonly configFile = path.join(os.tmpdir(), `tdel-e2e-worker-${randomUUID()}.json`);
  private readonly started: ChildProcess[] = [];

  constructor(
    private readonly fleet: RunningFleet,
    workerConfig: WorkerConfig = e2eWorkerConfig(),
  ) {
    fs.writeFileSync(this.configFile, JSON.stringify(workerConfig));
  }

  /** Starts one and resolves once it polls. */
  start(): Promise<WorkerProcess> {
    const child = spawn(path.join(repo, 'node_modules/.bin/tsx'), ['workers/main.ts', '--config', this.configFile], {
      cwd: repo,
      detached: true,
      // The blast-radius cap counts the whole day's test runs too: capping is the guard-rail tests' business. The
      // worker signs with the local stack's key, which the test's fleet trusts (e2e-stack.ts).
      env: {
        ...process.env,
        TENANT_REGISTRY_URL: this.fleet.registryUrl,
        BLAST_RADIUS_MAX_WHOLE_TENANT: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.started.push(child);
    let output = '';
    let stdout = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    return new Promise((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes('workers polling')) resolve({ child, output: () => output, stdout: () => stdout, exited });
      };
      child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(({ code }) => reject(new Error(`worker exited with ${code} before polling:\n${output}`)));
    });
  }

  /** Kills every process group still alive and removes the config file. */
  close(): void {
    for (const child of this.started) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already: the test stopped it.
      }
    }
    fs.rmSync(this.configFile, { force: true });
  }
}
