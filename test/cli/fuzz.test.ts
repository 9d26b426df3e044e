/**
 * Random command lines: whatever the arguments, `tdel` answers with a message and an exit code of 0-3, never a
 * crash or a stack trace, and a `--json` run prints one JSON document. Most runs go through runCli in-process
 * (hundreds in seconds); a sample runs the real executable. Temporal and PostgreSQL addresses have nothing
 * listening, so no run touches a server.
 */
import fc from 'fast-check';
import { runInProcess } from './run-in-process';
import { looksLikeCrash, tdel, UNREACHABLE_ENV } from './run-tdel';
import { fuzzSeed } from '../fuzz-seed';

jest.setTimeout(180_000);

const COMMANDS = [
  'delete',
  'status',
  'list',
  'cancel',
  'retry',
  'preview',
  'inventory',
  'help',
  'approve',
  'service-token',
];
const KNOWN = [
  ...COMMANDS,
  'list',
  'import',
  '--instance',
  '-i',
  '--gdpr',
  '--dry-run',
  '--reason',
  '--requested-by',
  '--as',
  '--token',
  '--api-url',
  '--wait',
  '-w',
  '--watch',
  '--json',
  '--status',
  '-s',
  '--limit',
  '-n',
  '--timeout',
  '--audience',
  '--scope',
  'tenant-data:delete',
  'legal-hold:admin',
  '--ttl',
  '--subject',
  '--help',
  '-h',
  '--version',
  '-V',
  'FAILED',
  'COMPLETED',
  'tenant-12345',
  'orders-1',
  '-',
  '--',
  '0',
  '-1',
  '99999999999',
  '--instance=',
  '--status=IN_PROGRESS',
  '',
  ' ',
  'x'.repeat(65),
  '../../etc/passwd',
  '\u0000',
  'tënant',
  '$(rm -rf /)',
  '{"a":1}',
];

const token = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{1,70}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const argv = fc
  .tuple(fc.constantFrom<string[]>([], ['inventory'], ...COMMANDS.map((c) => [c])), fc.array(token, { maxLength: 7 }))
  .map(([command, rest]) => [...command, ...rest]);

const quiet = (args: readonly string[]) => args.some((a) => ['-h', '--help', '-V', '--version', 'help'].includes(a));

function checkJson(args: readonly string[], stdout: string): void {
  if (!args.includes('--json') || quiet(args) || stdout === '') return;
  expect(() => JSON.parse(stdout)).not.toThrow();
}

describe('tdel with random arguments', () => {
  it('never crashes in-process: exit 0-3, no stack trace, --json gives one document', async () => {
    const codes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { code, stdout, stderr } = await runInProcess(args, {
          env: { ...UNREACHABLE_ENV, HOME: process.env.HOME },
        });
        codes.add(code);
        expect([0, 1, 2, 3]).toContain(code);
        expect(looksLikeCrash(stdout + stderr)).toBe(false);
        expect(stderr).not.toContain('unexpected failure');
        if (code !== 0) expect(stderr.length).toBeGreaterThan(0);
        checkJson(args, stdout);
      }),
      { numRuns: 500, seed: fuzzSeed('tdel with random arguments') },
    );
    // The vectors reach past argument parsing: some fail on usage, others get as far as the (absent) servers.
    expect(codes).toEqual(new Set([0, 2, 3]));
  });

  it('never crashes as a process', async () => {
    // A process's arguments cannot hold NUL bytes; everything else goes through as it is.
    const samples = fc.sample(argv, { numRuns: 16, seed: 7 }).map((args) => args.map((a) => a.replace(/\0/g, '')));
    for (const args of samples) {
      const run = await tdel(args, { env: UNREACHABLE_ENV });
      const context = `tdel ${JSON.stringify(args)}\n${run.stderr}`;
      expect([context, run.code]).toEqual([context, expect.any(Number)]);
      expect([0, 1, 2, 3]).toContain(run.code);
      expect(looksLikeCrash(run.stderr)).toBe(false);
      checkJson(args, run.stdout);
    }
  });
});
