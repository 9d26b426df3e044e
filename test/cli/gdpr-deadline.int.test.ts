import { randomUUID } from 'node:crypto';
import { formatTime } from '../../client/cli/output';
import { requestDeletion, progressQuery } from '@tenant-deletion/client';
import { gdprDueAt } from '../../common/gdpr-deadline';
import { DELETION_DUE_AT } from '@tenant-deletion/client/search-attributes';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { tdel } from './run-tdel';
import { until } from '../until';

/**
 * GDPR deadlines on a private Temporal server: deletions are held for approval (a low threshold) so that they stay
 * running while their due dates are checked, in the search attribute, the ledger, `tdel list --overdue` and status.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
  harness.fleet.guardRails = { approvalThresholdRecords: 0, gracePeriodSeconds: 0 };
}, 120_000);
afterAll(() => harness?.teardown());

/** Starts a deletion of a new tenant, held for approval, and waits until its due date (if any) is searchable. */
async function heldDeletion(name: string, gdprMode: boolean, requestedAt: Date) {
  const tenantId = `due-${name}-${randomUUID().slice(0, 8)}`;
  harness.fleet.addTenant(tenantId, [['db-1']]);
  const requestId = `r-${randomUUID()}`;
  const handle = await requestDeletion(harness.client, {
    requestId,
    tenantId,
    requestedBy: 'dpo-1',
    traceId: `trace-${name}`,
    gdprMode,
    dryRun: false,
    requestedAt: requestedAt.toISOString(),
  });
  await until(async () => (await handle.query(progressQuery)).status === 'AWAITING_APPROVAL', `${tenantId} held`);
  if (gdprMode) {
    await until(
      async () => (await handle.describe()).typedSearchAttributes.get(DELETION_DUE_AT) !== undefined,
      `DeletionDueAt of ${tenantId}`,
    );
  }
  return { tenantId, requestId, handle, dueAt: gdprMode ? gdprDueAt(requestedAt) : null };
}

describe('GDPR deadlines', () => {
  it('are due one month after the request, searchable, in the ledger, and flagged by list --overdue and status', async () => {
    const now = Date.now();
    const overdue = await heldDeletion('late', true, new Date(now - 40 * DAY_MS));
    const atRisk = await heldDeletion('close', true, new Date(now - 27 * DAY_MS));
    const onTime = await heldDeletion('fresh', true, new Date(now - DAY_MS));
    const notGdpr = await heldDeletion('plain', false, new Date(now - 40 * DAY_MS));

    expect((await overdue.handle.describe()).typedSearchAttributes.get(DELETION_DUE_AT)?.toISOString()).toBe(
      overdue.dueAt!.toISOString(),
    );
    expect((await notGdpr.handle.describe()).typedSearchAttributes.get(DELETION_DUE_AT)).toBeUndefined();
    const ledgerDue = (requestId: string) => harness.fleet.ledger.find((e) => e.requestId === requestId)?.dueAt;
    expect(ledgerDue(overdue.requestId)).toBe(overdue.dueAt!.toISOString());
    expect(ledgerDue(notGdpr.requestId)).toBeNull();

    const env = { TEMPORAL_ADDRESS: harness.env.address };
    const ours = new Set([overdue, atRisk, onTime, notGdpr].map((d) => d.tenantId));
    let listed: { tenantId: string; deadline: string | null }[] = [];
    await until(async () => {
      const run = await tdel(['list', '--overdue', '--json'], { env });
      expect(run.code).toBe(0);
      listed = (JSON.parse(run.stdout) as { workflows: typeof listed }).workflows.filter((w) => ours.has(w.tenantId));
      return listed.length === 2;
    }, 'list --overdue to show the late and the close deletion');
    expect(new Map(listed.map((w) => [w.tenantId, w.deadline]))).toEqual(
      new Map([
        [overdue.tenantId, 'OVERDUE'],
        [atRisk.tenantId, 'AT_RISK'],
      ]),
    );

    const table = await tdel(['list', '--overdue'], { env });
    expect(table.stdout).toMatch(new RegExp(`${overdue.tenantId}.*OVERDUE`));
    expect(table.stdout).toMatch(new RegExp(`${atRisk.tenantId}.*AT RISK`));
    expect(table.stdout).not.toContain(onTime.tenantId);

    const status = await tdel(['status', overdue.tenantId], { env });
    expect(status.stdout).toContain(`OVERDUE: the GDPR deadline was ${formatTime(overdue.dueAt)}`);
    const statusJson = JSON.parse((await tdel(['status', onTime.tenantId, '--json'], { env })).stdout);
    expect(statusJson).toMatchObject({ dueAt: formatTime(onTime.dueAt), deadline: 'ON_TIME' });

    for (const { handle } of [overdue, atRisk, onTime, notGdpr]) await handle.cancel();
  });

  it('tdel delete refuses a request time that is not ISO-8601 with a zone', async () => {
    const run = await tdel(['delete', 'tenant-x', '--gdpr', '--requested-at', '2026-11-02 09:30'], {
      env: { TEMPORAL_ADDRESS: harness.env.address },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('requestedAt');
  });
});
