import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { ensureLocalTokenKeys, localKeyFile } from '../../../common/service-token-keys';
import { conformanceReportSchema, type ConformanceReport } from '../../../client/cli/conformance/report';
import { runInProcess } from '../run-in-process';
import { BREAKS, startBrokenService, type Break, type BrokenService } from './broken-service';
import { everyCheckPassesBut, statuses } from './expected-checks';

/**
 * `tdel conformance` against an in-memory service that keeps the contract until it is broken one way: the command
 * passes the intact service and, for each break, exits 1 naming exactly the check that break violates.
 */

const SERVICE_TYPE = 'orders';
/** A local key set of its own (the three authorities' private keys and JWKS): the CLI signs, the service verifies. */
const stateDir = mkdtempSync(path.join(tmpdir(), 'conformance-keys-'));
const env = { TDEL_STATE_DIR: stateDir };
beforeAll(() => ensureLocalTokenKeys(env));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

let service: BrokenService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function start(options: { break?: Break; asyncAboveRows?: number } = {}): Promise<BrokenService> {
  service = await startBrokenService({ serviceType: SERVICE_TYPE, env, ...options });
  return service;
}

async function conformance(args: string[], runEnv: Record<string, string> = env) {
  const run = await runInProcess(['conformance', ...args, '--json'], { env: runEnv });
  // Usage errors and an unreachable service print an error document instead of a report.
  const parsed = conformanceReportSchema.safeParse(run.stdout ? JSON.parse(run.stdout) : undefined);
  const report: ConformanceReport | undefined = parsed.success ? parsed.data : undefined;
  return { ...run, report };
}

/** A seeded test tenant, the fault knobs, and a short poll timeout: every check can run. */
async function checkWithData(target: BrokenService) {
  const tenant = `t-${randomUUID()}`;
  target.seed(tenant);
  return conformance([
    target.baseUrl,
    '--service-type',
    SERVICE_TYPE,
    '--tenant',
    tenant,
    '--yes',
    '--fault-knobs',
    '--poll-timeout',
    '1',
  ]);
}

const failed = (report: ConformanceReport | undefined) =>
  (report?.checks ?? []).filter((check) => check.status === 'FAIL').map((check) => check.id);

describe('tdel conformance against a service that keeps the contract', () => {
  it('passes every check that can run, with the data deleted, and skips the 202 checks it answers 200', async () => {
    const run = await checkWithData(await start());
    expect(run.code).toBe(0);
    expect(statuses(run.report?.checks)).toEqual(everyCheckPassesBut(['async-location']));
    expect(run.report?.checks.find((c) => c.id === 'token-wrong-scope')?.detail).toMatch(
      /^DELETE 403; the preview of t-\S+ is unchanged \(10 rows\)$/,
    );
    expect(run.report?.checks.find((c) => c.id === 'legal-hold')?.detail).toMatch(
      /^DELETE 409, lift with a delete token 403, DELETE 409; .* unchanged \(10 rows\); hold lifted$/,
    );
  });

  it('follows a 202 Location to its 200 when the DELETE answers 202', async () => {
    const run = await checkWithData(await start({ asyncAboveRows: 5 }));
    expect([run.code, failed(run.report)]).toEqual([0, []]);
    expect(statuses(run.report?.checks)).toEqual(everyCheckPassesBut([]));
    expect(run.report?.checks.find((c) => c.id === 'async-location')?.detail).toBe(
      '1 poll(s) 202, then 200 with 10 rows deleted',
    );
  });

  it('skips, not passes, the data checks without test data and the Retry-After check without fault knobs', async () => {
    const target = await start();
    const run = await conformance([target.baseUrl, '--service-type', SERVICE_TYPE]);
    expect(run.code).toBe(0);
    expect(statuses(run.report?.checks)).toEqual(
      everyCheckPassesBut([
        'retry-after',
        'async-location',
        'preview-zero-after-delete',
        'idempotent-repeat',
        'idempotency-key-replay',
      ]),
    );
    const skipped = run.report!.checks.filter((c) => c.id === 'idempotent-repeat' || c.id === 'retry-after');
    expect(skipped.map((c) => c.detail)).toEqual([
      expect.stringMatching(/--fault-knobs/),
      expect.stringMatching(/needs test data/),
    ]);
  });

  it('seeds a fresh tenant through --seed-command, telling it CONFORMANCE_TENANT', async () => {
    const target = await start();
    const seed = `node -e "fetch('${target.url}/seed/' + process.env.CONFORMANCE_TENANT, { method: 'POST' }).then((r) => process.exit(r.ok ? 0 : 1))"`;
    const run = await conformance([target.baseUrl, '--service-type', SERVICE_TYPE, '--seed-command', seed]);
    expect(run.code).toBe(0);
    expect(run.report?.tenantId).toMatch(/^conformance-/);
    expect(statuses(run.report?.checks)['preview-zero-after-delete']).toBe('PASS');
    expect(run.report?.checks.find((c) => c.id === 'delete-shape')?.detail).toMatch(/10 rows deleted/);
  });
});

/** Each break, the check it must fail, and whether it needs a 202 to show. */
const CAUGHT_BY: Record<Break, { check: string; asyncAboveRows?: number }> = {
  'preview-shape': { check: 'preview-shape' },
  'repeat-returns-counts': { check: 'idempotent-repeat' },
  'unknown-tenant-404': { check: 'unknown-tenant' },
  'data-left-after-delete': { check: 'preview-zero-after-delete' },
  'accepts-missing-token': { check: 'token-missing' },
  'accepts-expired-token': { check: 'token-expired' },
  'accepts-forged-token': { check: 'token-forged' },
  'accepts-wrong-audience': { check: 'token-wrong-audience' },
  'accepts-hs256': { check: 'token-hs256' },
  'accepts-alg-none': { check: 'token-alg-none' },
  'accepts-wrong-scope': { check: 'token-wrong-scope' },
  'deletes-under-hold': { check: 'legal-hold' },
  'lifts-hold-with-delete-token': { check: 'legal-hold' },
  'replay-differs': { check: 'idempotency-key-replay' },
  'no-retry-after': { check: 'retry-after' },
  'location-never-finishes': { check: 'async-location', asyncAboveRows: 5 },
  'location-bad-body': { check: 'async-location', asyncAboveRows: 5 },
};

describe('tdel conformance against a service broken one way', () => {
  it.each(BREAKS)('%s: exits 1 naming exactly the check it breaks', async (brk) => {
    const { check, asyncAboveRows } = CAUGHT_BY[brk];
    const run = await checkWithData(await start({ break: brk, asyncAboveRows }));
    expect([run.code, failed(run.report)]).toEqual([1, [check]]);
  });

  it('prints each failed check and why after the table', async () => {
    const target = await start({ break: 'accepts-expired-token' });
    const run = await runInProcess(['conformance', target.baseUrl, '--service-type', SERVICE_TYPE], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/does not conform: \d+ passed, 1 failed, \d+ skipped/);
    expect(run.stdout).toMatch(/FAIL token-expired \(.*\): DELETE of conformance-\S+ answered 200 \(expected 401\)/);
  });
});

describe('tdel conformance keys', () => {
  it('skips the legal-hold and retry-after checks, saying why, without the admin key', async () => {
    const target = await start();
    const run = await conformance([target.baseUrl, '--service-type', SERVICE_TYPE, '--fault-knobs'], {
      ...env,
      ADMIN_TOKEN_SIGNING_KEY_FILE: path.join(stateDir, 'no-such-key.pem'),
    });
    expect(run.code).toBe(0);
    const skipped = run.report!.checks.filter((c) => c.id === 'legal-hold' || c.id === 'retry-after');
    expect(skipped.map((c) => [c.status, c.detail])).toEqual([
      ['SKIP', expect.stringMatching(/needs a legal-hold:admin token: ADMIN_TOKEN_SIGNING_KEY_FILE names/)],
      ['SKIP', expect.stringMatching(/needs a kit:faults token/)],
    ]);
    expect(localKeyFile(ADMIN_TOKEN_ISSUER, env)).toContain(stateDir);
  });

  it("exits 2 without the orchestrator's key, naming the variable", async () => {
    const target = await start();
    const run = await conformance([target.baseUrl, '--service-type', SERVICE_TYPE], {
      TDEL_STATE_DIR: path.join(stateDir, 'empty'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SERVICE_TOKEN_SIGNING_KEY_FILE/);
  });
});

describe('tdel conformance usage', () => {
  it('refuses to delete a --tenant without --yes (exit 2)', async () => {
    const target = await start();
    const run = await conformance([target.baseUrl, '--service-type', SERVICE_TYPE, '--tenant', 'acme']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/delete all data of tenant acme.*--yes/);
  });

  it('exits 2 on a base URL that is not http(s) and on a bad service type', async () => {
    expect((await conformance(['ftp://x/api', '--service-type', SERVICE_TYPE])).code).toBe(2);
    expect((await conformance(['http://127.0.0.1:1/api', '--service-type', 'Orders'])).code).toBe(2);
  });

  it('exits 3 when nothing answers at the base URL', async () => {
    const closed = await start();
    await closed.close();
    service = undefined;
    const run = await conformance([closed.baseUrl, '--service-type', SERVICE_TYPE]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/orders is unreachable: GET http:\/\/127\.0\.0\.1:\d+\/.*: ECONNREFUSED/);
  });
});
