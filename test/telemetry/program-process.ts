import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/**
 * One of the project's programs (`npm run fleet`, `npm run bridge`) as a real process under tsx, in its own process
 * group so that stopping it takes tsx and node alike.
 */

const repo = path.resolve(__dirname, '../..');

export interface ProgramProcess {
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM (the programs send their buffered spans and exit), SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `script` (a path from the repository's root) and resolves once `ready` returns true. */
export async function startProgram(
  script: string,
  env: Record<string, string>,
  ready: (output: string) => boolean | Promise<boolean>,
  timeoutMs = 120_000,
): Promise<ProgramProcess> {
  const child = spawn(path.join(repo, 'node_modules/.bin/tsx'), [script], {
    cwd: repo,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const program: ProgramProcess = { output: () => output, stop: (graceMs = 15_000) => stop(child, exited, graceMs) };

  const deadline = Date.now() + timeoutMs;
  while (!(await ready(output))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await program.stop(0);
      throw new Error(`${script} did not get ready (exit code ${child.exitCode}):\n${output.slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return program;
}

async function stop(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is gone already.
    }
  };
  signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A port nothing listens on now, for a program that takes its port from the environment. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
