import { Readable } from 'node:stream';
import { runCli } from '../../client/cli/program';
import type { OutStream } from '../../client/cli/output';

/** Runs `tdel` through runCli in this process: hundreds of runs in seconds, where a process would take minutes. */

class Capture implements OutStream {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export async function runInProcess(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; stdin?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { NO_COLOR: '1', TDEL_USER: 'fuzz', ...options.env },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
