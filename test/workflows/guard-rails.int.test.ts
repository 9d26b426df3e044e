import { randomUUID } from 'node:crypto';
import type { DeletionRequest } from '@tenant-deletion/contract';
import { requestDeletion, progressQuery } from '@tenant-deletion/client';
import { approveSignal, cancelSignal } from '../../workflows/signals';
import { startTestEnvironment } from './temporal-test-env';

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
}, 120_000);
afterAll(() => harness?.teardown());
afterEach(() => {
  harness.fleet.guardRails = { approvalThresholdRecords: null, gracePeriodSeconds: 0 };
  harness.fleet.wholeTenantStartsAllowed = Infinity;
});

function tenantWithTwoInstances(): string {
  const tenantId = `g-${randomUUID().slice(0, 8)}`;
  harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1']]);
  return tenantId;
}

function request(tenantId: string, extra: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId: `r-${randomUUID()}`,
    tenantId,
    requestedBy: 'admin-1',
    traceId: 'trace-guard',
    gdprMode: false,
    dryRun: false,
    ...extra,
  };
}

async function waitForStatus(handle: Awaited<ReturnType<typeof requestDeletion>>, status: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const progress = await handle.query(progressQuery);
    if (progress.status === status) return progress;
    if (Date.now() > deadline) throw new Error(`still ${progress.status}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('approval above the threshold', () => {
  it('holds the deletion, visibly AWAITING_APPROVAL, until approve, and records the approver', async () => {
    harness.fleet.guardRails = { approvalThresholdRecords: 10, gracePeriodSeconds: 0 };
    const tenantId = tenantWithTwoInstances();
    const handle = await requestDeletion(harness.client, request(tenantId));
    const held = await waitForStatus(handle, 'AWAITING_APPROVAL');
    expect(held.requests[0].reason).toBe(
      'previewed 14 records exceed APPROVAL_THRESHOLD_RECORDS (10): approve or cancel',
    );
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
    expect(harness.fleet.suspended).not.toContain(tenantId);

    await handle.signal(approveSignal, { approvedBy: 'boss-1' });
    await waitForStatus(handle, 'COMPLETED').catch(() => undefined);
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(harness.fleet.callsOf(tenantId)).toHaveLength(2);
    expect(harness.fleet.wholeTenantStarts).toContainEqual({
      requestId: result.requests[0].requestId,
      approvedBy: 'boss-1',
    });
  });

  it('deletes nothing when the held deletion is cancelled', async () => {
    harness.fleet.guardRails = { approvalThresholdRecords: 10, gracePeriodSeconds: 0 };
    const tenantId = tenantWithTwoInstances();
    const handle = await requestDeletion(harness.client, request(tenantId));
    await waitForStatus(handle, 'AWAITING_APPROVAL');
    await handle.signal(cancelSignal);
    const result = await handle.result();
    expect(result.status).toBe('CANCELLED');
    expect(result.requests[0]).toMatchObject({
      status: 'CANCELLED',
      reason: 'cancelled while awaiting approval: nothing deleted',
    });
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
    const reported = harness.fleet.reports.filter((r) => r.tenantId === tenantId).flatMap((r) => r.instances);
    expect(reported.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
  });
});

describe('the blast-radius cap', () => {
  it('holds whole-tenant deletions beyond the cap, saying why, until approved', async () => {
    harness.fleet.wholeTenantStartsAllowed = harness.fleet.wholeTenantStarts.length;
    const tenantId = tenantWithTwoInstances();
    const handle = await requestDeletion(harness.client, request(tenantId));
    const held = await waitForStatus(handle, 'AWAITING_APPROVAL');
    expect(held.requests[0].reason).toMatch(/^blast-radius cap: \d+ whole-tenant deletions started in the last 24 h/);

    // A per-instance deletion is not a whole-tenant one: the cap does not hold it.
    const other = tenantWithTwoInstances();
    const perInstance = await (
      await requestDeletion(harness.client, request(other, { instances: ['app-1'] }))
    ).result();
    expect(perInstance.status).toBe('COMPLETED');

    await handle.signal(approveSignal, { approvedBy: 'boss-2' });
    expect((await handle.result()).status).toBe('COMPLETED');
  });
});

describe('the grace period', () => {
  it('restores the tenant when a whole-tenant deletion is cancelled in its grace period, deleting nothing', async () => {
    harness.fleet.guardRails = { approvalThresholdRecords: null, gracePeriodSeconds: 30 };
    const tenantId = tenantWithTwoInstances();
    const handle = await requestDeletion(harness.client, request(tenantId));
    const deadline = Date.now() + 20_000;
    while (!harness.fleet.suspended.includes(tenantId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await handle.signal(cancelSignal);
    const result = await handle.result();
    expect(result.requests[0]).toMatchObject({
      status: 'CANCELLED',
      reason: 'cancelled in the grace period: tenant restored, nothing deleted',
    });
    expect(harness.fleet.resumed).toContain(tenantId);
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
  });

  it('does not delay GDPR erasure', async () => {
    harness.fleet.guardRails = { approvalThresholdRecords: null, gracePeriodSeconds: 3600 };
    const tenantId = tenantWithTwoInstances();
    const result = await (await requestDeletion(harness.client, request(tenantId, { gdprMode: true }))).result();
    expect(result.status).toBe('COMPLETED');
  });
});
