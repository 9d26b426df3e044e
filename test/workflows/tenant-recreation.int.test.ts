/**
 * Admission against the registry's creation time, on a private Temporal dev server (the stack's binary) with the
 * fake fleet: a request made before the tenant's (re)creation is REJECTED, deletes nothing, and says both times.
 */
import { randomUUID } from 'node:crypto';
import { requestDeletion } from '@tenant-deletion/client';
import { adminRequest } from './fake-fleet';
import { startTestEnvironment } from './temporal-test-env';

const RECREATED_AT = '2026-03-01T08:00:00.000Z';
let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
}, 120_000);
afterAll(() => harness?.teardown());

function recreatedTenant(): string {
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1']]);
  harness.fleet.createdAt.set(tenantId, RECREATED_AT);
  return tenantId;
}

describe('TenantDeletionWorkflow admission against the tenant registry creation time', () => {
  it('rejects a whole-tenant request made before the re-creation, naming both times, and deletes nothing', async () => {
    const tenantId = recreatedTenant();
    const old = { ...adminRequest(tenantId), gdprMode: true, requestedAt: '2026-02-11T12:00:00Z' };
    const result = await (await requestDeletion(harness.client, old)).result();

    expect(result.status).toBe('REJECTED');
    expect(result.requests).toEqual([
      expect.objectContaining({
        requestId: old.requestId,
        status: 'REJECTED',
        reason: expect.stringMatching(
          /made at 2026-02-11T12:00:00Z is older than .*re\)creation .* 2026-03-01T08:00:00\.000Z/,
        ),
      }),
    ]);
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
    expect(harness.fleet.callsOf(tenantId, 'previewInstance')).toEqual([]);
    expect(harness.fleet.suspended).not.toContain(tenantId);
    expect(harness.fleet.finalizations.filter((f) => f.tenantId === tenantId)).toEqual([]);
    const reported = harness.fleet.reports.filter((r) => r.tenantId === tenantId).flatMap((r) => r.instances);
    expect(reported.map((i) => [i.serviceInstanceId, i.status]).sort()).toEqual([
      ['app-1', 'REJECTED'],
      ['db-1', 'REJECTED'],
    ]);
  });

  it('rejects an old per-instance request the same way', async () => {
    const tenantId = recreatedTenant();
    const old = { ...adminRequest(tenantId, ['app-1']), requestedAt: '2026-02-28T23:59:59.999Z' };
    const result = await (await requestDeletion(harness.client, old)).result();
    expect(result.requests[0]).toMatchObject({ status: 'REJECTED', reason: expect.stringContaining(RECREATED_AT) });
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
  });

  it('deletes for a request made after the re-creation, and for one without requestedAt', async () => {
    const after = recreatedTenant();
    const fresh = { ...adminRequest(after), requestedAt: '2026-03-01T08:00:01Z' };
    expect((await (await requestDeletion(harness.client, fresh)).result()).status).toBe('COMPLETED');
    expect(harness.fleet.callsOf(after)).toHaveLength(2);

    const undated = recreatedTenant();
    expect((await (await requestDeletion(harness.client, adminRequest(undated))).result()).status).toBe('COMPLETED');
  });

  it('rejects a dated request when the registry refuses to say when the tenant was created', async () => {
    const tenantId = recreatedTenant();
    harness.fleet.registryRefusals.add(tenantId);
    const dated = { ...adminRequest(tenantId), requestedAt: '2026-03-05T00:00:00Z' };
    const result = await (await requestDeletion(harness.client, dated)).result();
    expect(result.requests[0]).toMatchObject({
      status: 'REJECTED',
      reason: expect.stringMatching(/cannot tell whether tenant .* was re-created.*with 403/),
    });
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
  });
});
