import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The demo's own processes (fleet, workers, bridge), each logging to a file, all stopped together. */

export class DemoProcessError extends Error {
  constructor(name: string, reason: string, logFile: string) {
    super(`${name} ${reason}; see ${logFile}`);
    this.name = 'DemoProcessError';
  }
}

export interface StartedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
}

export class ProcessGroup {
  private readonly running: StartedProcess[] = [];

  constructor(
    private readonly repoDir: string,
    private readonly logDir: string,
  ) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  /** What was started, in order. */
  get started(): readonly StartedProcess[] {
    return this.running;
  }

  /** Starts `npm run <script>` and resolves once `ready` holds, or rejects when the process dies first. */
  async start(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    ready: (log: string) => boolean | Promise<boolean>,
    timeoutMs = 90_000,
  ): Promise<StartedProcess> {
    const logFile = path.join(this.logDir, `demo-${name}.log`);
    const log = fs.openSync(logFile, 'w');
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: this.repoDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
      detached: true,
    });
    const started = { name, child, logFile };
    this.running.push(started);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited !== undefined) throw new DemoProcessError(name, `exited with code ${exited} while starting`, logFile);
      if (await ready(fs.readFileSync(logFile, 'utf8'))) return started;
      if (Date.now() > deadline) throw new DemoProcessError(name, `was not ready after ${timeoutMs / 1000} s`, logFile);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** SIGTERM to every process group, then SIGKILL to what is left after a grace period. */
  async stopAll(graceMs = 10_000): Promise<void> {
    const alive = this.running.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    const exits = alive.map(({ child }) => new Promise((resolve) => child.once('exit', resolve)));
    for (const { child } of alive) signal(child, 'SIGTERM');
    const timer = setTimeout(() => alive.forEach(({ child }) => signal(child, 'SIGKILL')), graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, name);
  } catch {
    // already gone
  }
}

export async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}
