/**
 * `tdel` as a user meets it, spawned as a process: help on every command, usage errors, and what it says when
 * Temporal or PostgreSQL cannot be reached. Needs no server: the addresses used have nothing listening.
 */
import { json, looksLikeCrash, tdel, UNREACHABLE_ENV } from './run-tdel';

jest.setTimeout(120_000);

const COMMANDS = [
  ['delete'],
  ['status'],
  ['list'],
  ['cancel'],
  ['retry'],
  ['approve'],
  ['preview'],
  ['conformance'],
  ['inventory'],
  ['inventory', 'list'],
  ['inventory', 'import'],
];

describe('tdel --help', () => {
  it('describes the program, its commands, the environment and the exit codes', async () => {
    const run = await tdel(['--help']);
    expect(run.code).toBe(0);
    for (const [command] of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toContain('TEMPORAL_ADDRESS');
    expect(run.stdout).toContain('Exit codes: 0 done, 1 the operation failed, 2 bad usage or input, 3 not found');
  });

  it.each(COMMANDS.map((command) => [command.join(' '), command]))(
    'tdel %s --help shows examples',
    async (_, command) => {
      const run = await tdel([...command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: tdel ${command.join(' ')}`);
      expect(run.stdout).toMatch(/Examples:\n\s+\$ tdel /);
      expect(run.stderr).toBe('');
    },
  );

  it('works through npx and npm run from the repository', async () => {
    const viaNpx = await tdel(['tdel', '--help'], { command: ['npx'] });
    expect(viaNpx.code).toBe(0);
    expect(viaNpx.stdout).toContain('Usage: tdel');
    const viaNpm = await tdel(['run', '--silent', 'tdel', '--', 'status', '--help'], { command: ['npm'] });
    expect(viaNpm.code).toBe(0);
    expect(viaNpm.stdout).toContain('Usage: tdel status');
  });

  it('prints the version', async () => {
    const run = await tdel(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit 2 with a message, touching nothing', () => {
  it.each([
    [[], /Usage: tdel/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['delete'], /missing required argument 'tenantId'/],
    [['delete', 'bad tenant!'], /tenantId must be 1-64 characters/],
    [['delete', 'x'.repeat(65)], /tenantId must be 1-64 characters/],
    [['delete', 't-1', '--instance', 'no/slash'], /serviceInstanceId must be 1-64 characters/],
    [['delete', 't-1', '--reason', 'rm -rf * ; <script>'], /reason must be plain text/],
    [['delete', 't-1', '--as', 'Jane Doe <jane@example.com>'], /--as must be 1-64 characters/],
    [['approve', 't-1', '--requested-by', 'Jane Doe'], /--as must be 1-64 characters/],
    [['delete', 't-1', '--api-url', 'ftp://api.example'], /--api-url must be an http:\/\/ or https:\/\/ URL/],
    [['cancel', 't-1', '--token', 'not-a-token-at-all'], /--token is not a JWT/],
    [['approve', 't-1', '--request', 'not an id'], /invalid approval: requestIds.0 must be 1-200 characters/],
    [['delete', 't-1', '--bogus'], /unknown option '--bogus'/],
    [['status', 't-1', 'extra'], /too many arguments/],
    [['list', '--status', 'DONE'], /Allowed choices are PENDING, AWAITING_APPROVAL/],
    [['list', '--limit', '0'], /--limit must be a whole number/],
    [['cancel', 't-1', '--instance'], /option '-i, --instance <id>' argument missing/],
    [['inventory'], /Usage: tdel inventory/],
    [['inventory', 'import'], /missing required argument 'file'/],
    [['inventory', 'import', '/nonexistent/file.json'], /cannot read \/nonexistent\/file.json: no such file/],
  ])('tdel %j', async (args, message) => {
    // Unreachable servers: a usage error must be found before any connection is tried.
    const run = await tdel(args, { env: UNREACHABLE_ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/(Temporal|PostgreSQL) unreachable/);
    expect(looksLikeCrash(run.stderr)).toBe(false);
  });

  it('reports an environment variable that is malformed, naming it', async () => {
    const run = await tdel(['status', 't-1'], { env: { TEMPORAL_ADDRESS: 'not an address' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TEMPORAL_ADDRESS must be host:port/);
  });

  it('reports a TLS file or codec key it cannot read, naming the variables, before trying Temporal', async () => {
    const run = await tdel(['status', 't-1'], {
      env: {
        ...UNREACHABLE_ENV,
        TEMPORAL_TLS_CA_FILE: '/nonexistent/ca.pem',
        TEMPORAL_API_KEY: 'an-api-key-never-to-be-printed',
        PAYLOAD_CODEC_KEYS: 'k1:short',
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TEMPORAL_TLS_CA_FILE names /nonexistent/ca.pem, which does not exist');
    expect(run.stderr).toContain('PAYLOAD_CODEC_KEYS entry 1 (key id "k1") must be 32 bytes in base64');
    expect(run.stderr).not.toContain('an-api-key-never-to-be-printed');
    expect(run.stderr).not.toMatch(/Temporal unreachable/);
  });

  it('reports an invalid TDEL_USER, when it would name the development token', async () => {
    const run = await tdel(['delete', 't-1'], {
      env: { ...UNREACHABLE_ENV, TDEL_TOKEN: undefined, TDEL_USER: 'Jane Doe' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TDEL_USER must be 1-64 characters/);
  });

  it('never prints a token it refuses', async () => {
    const run = await tdel(['retry', 't-1'], { env: { ...UNREACHABLE_ENV, TDEL_TOKEN: 'secret-value-never-printed' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TDEL_TOKEN is not a JWT');
    expect(run.stderr).not.toContain('secret-value-never-printed');
  });

  it('signs no development token where AUTH_ISSUER names a real identity provider', async () => {
    const run = await tdel(['approve', 't-1'], {
      env: {
        ...UNREACHABLE_ENV,
        TDEL_TOKEN: undefined,
        AUTH_ISSUER: 'https://login.example.com',
        AUTH_JWKS_URL: 'https://login.example.com/jwks',
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no token: AUTH_ISSUER names an identity provider (https://login.example.com)');
    expect(run.stderr).toContain('hint: pass its token with --token or TDEL_TOKEN');
  });

  it('keeps --json runs to one JSON document on stdout, even for usage errors', async () => {
    const run = await tdel(['list', '--status', 'DONE', '--json']);
    expect(run.code).toBe(2);
    expect(json(run)).toEqual({ error: { code: 'USAGE', message: expect.stringContaining('DONE') } });
  });
});

describe('unreachable servers exit 3 with what to do', () => {
  it.each([[['status', 't-1']], [['status', 't-1', '--watch']], [['list']], [['preview', 't-1']]])(
    'Temporal: tdel %j',
    async (args) => {
      const started = Date.now();
      const run = await tdel(args, { env: UNREACHABLE_ENV });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('Temporal unreachable at 127.0.0.1:1');
      expect(run.stderr).toContain('start it with `npm run stack:up`');
      expect(run.stdout).toBe('');
      expect(Date.now() - started).toBeLessThan(15_000);
    },
  );

  it.each([
    [['delete', 't-1', '--wait']],
    [['cancel', 't-1']],
    [['retry', 't-1', '--instance', 'a-1']],
    [['approve', 't-1', '--request', 'r-1']],
  ])('the deletion API: tdel %j', async (args) => {
    const run = await tdel(args, { env: UNREACHABLE_ENV });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the deletion API at http://127.0.0.1:2 is unreachable (ECONNREFUSED)');
    expect(run.stderr).toContain('start it with `npm run api`');
    expect(run.stderr).not.toContain(UNREACHABLE_ENV.TDEL_TOKEN);
    expect(run.stdout).toBe('');
  });

  it('Temporal, with --json: the error as the one document', async () => {
    const run = await tdel(['status', 't-1', '--json'], { env: UNREACHABLE_ENV });
    expect(run.code).toBe(3);
    expect(json(run)).toEqual({
      error: {
        code: 'UNREACHABLE',
        message: expect.stringContaining('Temporal unreachable at 127.0.0.1:1'),
        hint: expect.any(String),
      },
    });
  });

  it.each([[['inventory', 'list', 't-1']]])('PostgreSQL: tdel %j', async (args) => {
    const run = await tdel(args, {
      env: { ...UNREACHABLE_ENV, DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:1/tenant_deletion' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('PostgreSQL unreachable at 127.0.0.1:1/tenant_deletion');
    expect(run.stderr).not.toContain('s3cret');
  });
});

const ESC = '\u001b[';

describe('colours', () => {
  it('are off when the output is not a terminal', async () => {
    const run = await tdel(['status', 't-1'], {
      env: { ...UNREACHABLE_ENV, NO_COLOR: undefined, FORCE_COLOR: undefined },
    });
    expect(run.stderr).toContain('error:');
    expect(run.stderr).not.toContain(ESC);
  });

  it('follow FORCE_COLOR, and NO_COLOR wins over it', async () => {
    const forced = await tdel(['status', 't-1'], {
      env: { ...UNREACHABLE_ENV, NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(forced.stderr).toContain(`${ESC}31merror:`);
    const both = await tdel(['status', 't-1'], { env: { ...UNREACHABLE_ENV, NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.stderr).not.toContain(ESC);
  });
});
