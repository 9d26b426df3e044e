import { Readable } from 'node:stream';
import { CliContext } from '../../client/cli/context';
import { Output, type CliIo } from '../../client/cli/output';
import { runInProcess } from './run-in-process';
import { UNREACHABLE_ENV } from './run-tdel';

/** `tdel --address` and `--namespace`: above TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and any profile. */

function context(env: NodeJS.ProcessEnv): CliContext {
  const sink = { isTTY: false, write: () => true };
  const io: CliIo = { stdout: sink, stderr: sink, stdin: Readable.from([]), env };
  return new CliContext(io, new Output(io), new AbortController().signal);
}

describe('tdel --address and --namespace', () => {
  it('override TEMPORAL_ADDRESS, before or after the command', async () => {
    for (const args of [
      ['--address', '127.0.0.1:3', 'status', 't-1'],
      ['status', 't-1', '--address', '127.0.0.1:3'],
    ]) {
      const run = await runInProcess(args, { env: UNREACHABLE_ENV });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('Temporal unreachable at 127.0.0.1:3');
      expect(run.stderr).toContain('point --address (or TEMPORAL_ADDRESS)');
    }
  });

  it('override the environment and the profile in the configuration every command reads', () => {
    const ctx = context({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'staging' });
    ctx.target({ address: 'localhost:7233', namespace: 'deletions' });
    expect(ctx.config()).toMatchObject({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_NAMESPACE: 'deletions' });
    const untouched = context({ TEMPORAL_NAMESPACE: 'staging' });
    untouched.target({});
    expect(untouched.config().TEMPORAL_NAMESPACE).toBe('staging');
  });

  it('refuses a bad --address as a usage error', async () => {
    const run = await runInProcess(['--address', 'no port', 'status', 't-1'], { env: UNREACHABLE_ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TEMPORAL_ADDRESS must be host:port/);
  });
});
