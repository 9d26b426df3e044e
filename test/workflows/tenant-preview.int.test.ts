/**
 * TenantPreviewWorkflow (the workflow behind `tdel preview`) on a private Temporal dev server, with the fake fleet's
 * activities: counts per active instance, failures named per instance with their type, nothing deleted.
 */
import { randomUUID } from 'node:crypto';
import { FAILURE_TYPES, ORCHESTRATION_TASK_QUEUE, tenantPreviewWorkflowId } from '@tenant-deletion/contract';
import { serviceFailure } from '../../activities/service-failures';
import type { TenantPreviewWorkflow } from '../../workflows/tenant-preview-workflow';
import { startTestEnvironment } from './temporal-test-env';

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
}, 120_000);
afterAll(() => harness?.teardown());

function preview(tenantId: string, timeoutSeconds?: number) {
  return harness.client.workflow.execute<typeof TenantPreviewWorkflow>('TenantPreviewWorkflow', {
    workflowId: tenantPreviewWorkflowId(tenantId, randomUUID()),
    taskQueue: ORCHESTRATION_TASK_QUEUE,
    args: [{ tenantId, traceId: 'trace-preview', requestedBy: 'admin-1', timeoutSeconds }],
    workflowExecutionTimeout: '1 minute',
  });
}

describe('TenantPreviewWorkflow', () => {
  it("returns each active instance's counts and their total, and skips the deleted ones", async () => {
    const tenantId = `p-${randomUUID().slice(0, 8)}`;
    harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1'], ['cache-1']]);
    harness.fleet.inventories.get(tenantId)!.find((i) => i.serviceInstanceId === 'cache-1')!.status = 'DELETED';

    const result = await preview(tenantId);

    expect(result).toMatchObject({ tenantId, inventoryInstances: 3, deletedInstances: 1, total: 14, complete: true });
    expect(result.instances.map((i) => [i.serviceInstanceId, i.total, i.error])).toEqual([
      ['app-1', 7, null],
      ['db-1', 7, null],
    ]);
    expect(
      harness.fleet
        .callsOf(tenantId, 'previewInstance')
        .map((c) => c.serviceInstanceId)
        .sort(),
    ).toEqual(['app-1', 'db-1']);
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
  });

  it('names a failed instance with its failure type, after one attempt, and marks the total incomplete', async () => {
    const tenantId = `p-${randomUUID().slice(0, 8)}`;
    harness.fleet.addTenant(tenantId, [['app-1'], ['db-1']]);
    harness.fleet.previewBehaviours.set(`${tenantId}/db-1`, async () => {
      throw serviceFailure(FAILURE_TYPES.unreachable, 'db unreachable at http://fake/db-1: ECONNREFUSED', {
        attempt: 1,
      });
    });

    const result = await preview(tenantId);

    expect(result.complete).toBe(false);
    expect(result.total).toBe(7);
    expect(result.instances.find((i) => i.serviceInstanceId === 'db-1')).toMatchObject({
      counts: null,
      total: null,
      errorType: FAILURE_TYPES.unreachable,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(
      harness.fleet.callsOf(tenantId, 'previewInstance').filter((c) => c.serviceInstanceId === 'db-1'),
    ).toHaveLength(1);
  });

  it('reports a preview that outlives its timeout as a timeout', async () => {
    const tenantId = `p-${randomUUID().slice(0, 8)}`;
    harness.fleet.addTenant(tenantId, [['app-1']]);
    harness.fleet.previewBehaviours.set(
      `${tenantId}/app-1`,
      () => new Promise((resolve) => setTimeout(() => resolve({ rows: 1 }), 3_000)),
    );

    const result = await preview(tenantId, 1);

    expect(result.instances[0]).toMatchObject({ errorType: FAILURE_TYPES.timeout, total: null });
  });

  it('finds no instance of a tenant the inventory does not know', async () => {
    const result = await preview(`p-unknown-${randomUUID().slice(0, 8)}`);
    expect(result).toMatchObject({ inventoryInstances: 0, instances: [], total: 0, complete: true });
  });
});
