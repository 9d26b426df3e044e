import { randomUUID } from 'node:crypto';
import { requestDeletion } from '../../client/request-deletion';
import { progressQuery } from '../../workflows/signals';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { tdel } from './run-tdel';

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
  harness.fleet.guardRails = { approvalThresholdRecords: 5, gracePeriodSeconds: 0 };
}, 120_000);
afterAll(() => harness?.teardown());

describe('tdel approve', () => {
  it('releases a held deletion and names the approver; exits 3 when nothing is held', async () => {
    const tenantId = `cli-approve-${randomUUID().slice(0, 8)}`;
    harness.fleet.addTenant(tenantId, [['db-1']]);
    const handle = await requestDeletion(harness.client, {
      requestId: `r-${randomUUID()}`,
      tenantId,
      requestedBy: 'admin-1',
      traceId: 'trace-approve',
      gdprMode: false,
      dryRun: false,
    });
    const deadline = Date.now() + 20_000;
    while ((await handle.query(progressQuery)).status !== 'AWAITING_APPROVAL') {
      if (Date.now() > deadline) throw new Error('never held');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const env = { TEMPORAL_ADDRESS: harness.env.address };
    const approved = await tdel(['approve', tenantId, '--requested-by', 'boss-7', '--json'], { env });
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ tenantId, approvedBy: 'boss-7', signal: 'approve' });
    expect((await handle.result()).status).toBe('COMPLETED');

    const again = await tdel(['approve', tenantId], { env });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('holds nothing for approval');
  });
});
