import { spawn } from 'node:child_process';
import path from 'node:path';

/** Runs the `tdel` executable (client/cli/bin/tdel, as npm links it) as a separate process. */

export const REPO = path.resolve(__dirname, '../..');
export const TDEL = path.join(REPO, 'client/cli/bin/tdel');

export interface TdelRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Nothing listens here (and fetch refuses port 1 outright, hence 2 for the API): Temporal, PostgreSQL and the API at these addresses are unreachable at once. The
 * token has a JWT's shape only (nothing verifies it: nothing answers), so that no run signs a development token.
 */
export const UNREACHABLE_ENV = {
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:1/tenant_deletion',
  TDEL_API_URL: 'http://127.0.0.1:2',
  TDEL_TOKEN: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJub2JvZHkifQ.c2ln',
};

export function tdel(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; input?: string; command?: string[]; timeoutMs?: number } = {},
): Promise<TdelRun> {
  const [command, ...prefix] = options.command ?? [TDEL];
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TDEL_POLL_MS: '200', ...options.env };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** What a crash looks like: a stack trace frame, or Node's report of an uncaught error. */
export function looksLikeCrash(text: string): boolean {
  return /^\s+at .+[(:]\d+/m.test(text) || /Uncaught|UnhandledPromiseRejection|node:internal/.test(text);
}

/** The one JSON document a `--json` run prints. */
export function json<T = Record<string, unknown>>(run: TdelRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
