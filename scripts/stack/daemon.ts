import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from './ports';
import { StackError } from './stack-error';

/**
 * Background processes that outlive the command that started them, tracked by a pid file.
 * The pid file alone is not trusted: a recycled pid must also still run the expected program.
 */
export interface DaemonSpec {
  pidFile: string;
  logFile: string;
  command: string;
  args: string[];
  /** A fragment of /proc/<pid>/cmdline that identifies our process. */
  signature: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function commandLineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

export function runningPid(spec: Pick<DaemonSpec, 'pidFile' | 'signature'>): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(spec.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return commandLineOf(pid)?.includes(spec.signature) ? pid : undefined;
}

export function startDaemon(spec: DaemonSpec): number {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  const log = fs.openSync(spec.logFile, 'a');
  fs.writeSync(log, `\n--- started ${new Date().toISOString()}: ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: spec.env ?? process.env,
    cwd: spec.cwd,
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.unref();
  fs.writeFileSync(spec.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after the grace period, so a stop never hangs. */
export async function stopDaemon(spec: Pick<DaemonSpec, 'pidFile' | 'signature'>, graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(spec);
  if (pid === undefined) {
    fs.rmSync(spec.pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(100);
  fs.rmSync(spec.pidFile, { force: true });
  return true;
}

export function tailOf(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

/** Runs a setup command to completion, its output appended to a log; throws with the log's tail. */
export function runLogged(command: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): void {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(log, `\n--- ${new Date().toISOString()}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: ['ignore', log, log], env: env ?? process.env });
  fs.closeSync(log);
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args[0] ?? ''} exited with ${result.status}:\n${tailOf(logFile, 10)}`);
  }
}

/**
 * Waits until `check` passes while the daemon starts; one that exits meanwhile fails the start at once, with its
 * log's last lines, rather than after the whole timeout.
 */
export function waitWhileRunning(
  component: string,
  daemon: Pick<DaemonSpec, 'pidFile' | 'signature' | 'logFile'>,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  return waitUntil(check, {
    timeoutMs,
    abort: () => (runningPid(daemon) === undefined ? `exited during start:\n${tailOf(daemon.logFile)}` : undefined),
  }).catch((error: Error) => {
    throw new StackError(component, error.message, daemon.logFile);
  });
}
