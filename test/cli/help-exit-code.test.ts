import { runInProcess } from './run-in-process';
import { UNREACHABLE_ENV } from './run-tdel';

/**
 * Help's exit code in-process: Commander takes `tdel help`'s code from process.exitCode, which whatever ran before
 * in the same process (another test file in a reused Jest worker) may have set; runCli decides it itself.
 */
describe('tdel help run in-process', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it.each([[['help']], [['--help']], [['status', '--help']], [['help', 'delete']], [['-V']]])(
    '%j exits 0 with help on stdout even when process.exitCode is 3',
    async (args) => {
      process.exitCode = 3;
      const run = await runInProcess(args, { env: UNREACHABLE_ENV });
      process.exitCode = undefined;
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.length).toBeGreaterThan(0);
    },
  );

  it('no command at all is a usage error with the help on stderr', async () => {
    process.exitCode = 3;
    const run = await runInProcess([], { env: UNREACHABLE_ENV });
    process.exitCode = undefined;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: tdel');
  });

  it('help for an unknown command is a usage error', async () => {
    const run = await runInProcess(['help', 'nonsense'], { env: UNREACHABLE_ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: tdel');
  });
});
