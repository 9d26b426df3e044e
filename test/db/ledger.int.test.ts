import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { describeStatuses, recordInProgress, recordOutcome, recordPending, requestStates } from '../../db/ledger';
import { ledgerEntry, ledgerOutcome } from './ledger-rows';

/** The ledger's view of whole requests, on the local PostgreSQL. */

const db = new pg.Pool({ connectionString: loadConfig().DATABASE_URL, max: 2 });
const run = randomUUID().slice(0, 8);
afterAll(() => db.end());

describe('requestStates', () => {
  it('holds a request open while any of its rows is PENDING or IN_PROGRESS, and ended once every row is terminal, FAILED included', async () => {
    const tenantId = `ledger-${run}`;
    const requestId = `tr-1:${tenantId}`;
    const key = [{ tenantId, requestId }];
    expect(await requestStates(db, key)).toEqual([]);
    await recordPending(
      db,
      ['app-1', 'db-1', 'report-1'].map((id) => ledgerEntry(tenantId, requestId, id)),
    );
    expect(await requestStates(db, key)).toEqual([
      expect.objectContaining({ tenantId, requestId, statuses: { PENDING: 3 }, ended: false }),
    ]);
    await recordInProgress(db, tenantId, 'app-1', [requestId], 1);
    await recordOutcome(db, ledgerOutcome(tenantId, requestId, 'db-1', 'COMPLETED'));
    await recordOutcome(db, ledgerOutcome(tenantId, requestId, 'report-1', 'CANCELLED'));
    expect((await requestStates(db, key))[0]).toMatchObject({
      statuses: { IN_PROGRESS: 1, COMPLETED: 1, CANCELLED: 1 },
      ended: false,
    });
    await recordOutcome(db, ledgerOutcome(tenantId, requestId, 'app-1', 'FAILED'));
    const [ended] = await requestStates(db, key);
    expect(ended).toMatchObject({ statuses: { FAILED: 1, COMPLETED: 1, CANCELLED: 1 }, ended: true });
    expect(describeStatuses(ended.statuses)).toBe('CANCELLED ×1, COMPLETED ×1, FAILED ×1');
  });

  it("reads each request by tenant and id: another tenant's request under the same id is not it", async () => {
    const requestId = `shared-${run}`;
    await recordPending(db, [ledgerEntry(`ledger-a-${run}`, requestId, 'app-1')]);
    await recordOutcome(db, ledgerOutcome(`ledger-a-${run}`, requestId, 'app-1', 'COMPLETED'));
    // Another instance: the ledger's row key is the request id and the instance, not the tenant.
    await recordPending(db, [ledgerEntry(`ledger-b-${run}`, requestId, 'db-1')]);
    const states = await requestStates(db, [
      { tenantId: `ledger-a-${run}`, requestId },
      { tenantId: `ledger-b-${run}`, requestId },
      { tenantId: `ledger-c-${run}`, requestId },
    ]);
    expect(states.map((s) => [s.tenantId, describeStatuses(s.statuses), s.ended])).toEqual([
      [`ledger-a-${run}`, 'COMPLETED', true],
      [`ledger-b-${run}`, 'PENDING', false],
    ]);
  });
});
