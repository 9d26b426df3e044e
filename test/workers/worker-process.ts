import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run worker` as a real process on a service type of its own, so that it polls only queues no other test or
 * worker of the shared stack uses (and the stack's workers never take its tasks). Its own process group, killed by
 * stop() when the test has not ended it.
 */

const repo = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  serviceType: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once it printed that it polls; rejects when it exits first. */
  polling: Promise<void>;
  stop(): void;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function uniqueServiceType(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function startWorker(options: { serviceType: string; args?: string[]; env?: NodeJS.ProcessEnv }): WorkerProcess {
  const configFile = path.join(os.tmpdir(), `tdel-worker-${options.serviceType}.json`);
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      groups: { probe: { serviceTypes: [options.serviceType] } },
      metricsPort: 0,
      shutdownGraceSeconds: 5,
    }),
  );
  const child = spawn(
    path.join(repo, 'node_modules/.bin/tsx'),
    ['workers/main.ts', '--config', configFile, ...(options.args ?? [])],
    { cwd: repo, detached: true, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      fs.rmSync(configFile, { force: true });
      resolve({ code, signal });
    }),
  );
  const polling = new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('workers polling')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`worker exited with ${code} before polling:\n${output}`)));
  });
  polling.catch(() => undefined);
  return {
    child,
    serviceType: options.serviceType,
    output: () => output,
    exited,
    polling,
    stop() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone: the test ended it.
      }
    },
  };
}
