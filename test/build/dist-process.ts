import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * The compiled programs (dist/) as real processes: plain `node dist/...`, each in its own process group, so that
 * stopAll() leaves none polling the shared queues after a test.
 */

export const REPO = path.resolve(__dirname, '../..');

/** Runs `npm run build` once per test file when dist/ lacks a program; returns its output. */
export function ensureDist(force = false): string {
  if (!force && fs.existsSync(path.join(REPO, 'dist', 'workers', 'workflow-bundle.js'))) return '';
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0)
    throw new Error(`npm run build failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export interface DistProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export class DistProcesses {
  private readonly started: ChildProcess[] = [];

  start(argv: string[], env: NodeJS.ProcessEnv): DistProcess {
    const child = spawn(argv[0], argv.slice(1), { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.started.push(child);
    let output = '';
    child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  stopAll(): void {
    for (const child of this.started) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` resolves true, or fails with the process's output once it exits or time runs out. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  running: DistProcess,
  timeoutMs = 90_000,
): Promise<void> {
  let exitCode: number | null | undefined;
  void running.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (exitCode !== undefined || Date.now() > deadline) {
      throw new Error(
        `${what}: ${exitCode !== undefined ? `exited with ${exitCode}` : 'timed out'}\n${running.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url);
  return response.ok;
}
