import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { tenantWorkflowId, type DeletionRequest, FAILURE_TYPES } from '@tenant-deletion/contract';
import { serviceFailure } from '../../activities/service-failures';
import { requestDeletion, progressQuery } from '@tenant-deletion/client';
import { cancelSignal, retryFailedSignal } from '../../workflows/signals';
import { untilCancelled } from './fake-fleet';
import { startTestEnvironment } from './temporal-test-env';
import { until } from '../until';

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
}, 120_000);
afterAll(() => harness?.teardown());

function newTenant(): string {
  return `t-${randomUUID().slice(0, 8)}`;
}

function request(tenantId: string, extra: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    requestId: `r-${randomUUID()}`,
    tenantId,
    requestedBy: 'admin-1',
    traceId: `trace-${randomUUID().slice(0, 8)}`,
    gdprMode: false,
    dryRun: false,
    ...extra,
  };
}

/** app-1 needs cache-1 and db-1; cache-1 needs db-1; report-1 needs db-1. */
function seedGraph(tenantId: string): void {
  harness.fleet.addTenant(tenantId, [
    ['app-1', ['cache-1', 'db-1']],
    ['cache-1', ['db-1']],
    ['db-1'],
    ['report-1', ['db-1']],
  ]);
}

describe('TenantDeletionWorkflow', () => {
  it('deletes dependents before what they depend on, then finalizes once', async () => {
    const tenantId = newTenant();
    seedGraph(tenantId);
    const result = await (await requestDeletion(harness.client, request(tenantId, { gdprMode: true }))).result();

    expect(result.status).toBe('COMPLETED');
    expect(result.instances.map((i) => [i.serviceInstanceId, i.status]).sort()).toEqual([
      ['app-1', 'COMPLETED'],
      ['cache-1', 'COMPLETED'],
      ['db-1', 'COMPLETED'],
      ['report-1', 'COMPLETED'],
    ]);
    const { fleet } = harness;
    expect(fleet.startedAt(tenantId, 'cache-1')).toBeGreaterThanOrEqual(fleet.finishedAt(tenantId, 'app-1'));
    for (const dependent of ['app-1', 'cache-1', 'report-1']) {
      expect(fleet.startedAt(tenantId, 'db-1')).toBeGreaterThanOrEqual(fleet.finishedAt(tenantId, dependent));
    }
    expect(fleet.suspended).toContain(tenantId);
    expect(fleet.finalizations.filter((f) => f.tenantId === tenantId)).toEqual([
      expect.objectContaining({ gdprMode: true, deleteTenantRecord: true }),
    ]);
    expect(fleet.ledger.filter((entry) => entry.tenantId === tenantId)).toHaveLength(4);
  });

  it('rejects deleting an instance that an active one depends on, deleting nothing', async () => {
    const tenantId = newTenant();
    seedGraph(tenantId);
    const result = await (
      await requestDeletion(harness.client, request(tenantId, { instances: ['cache-1'] }))
    ).result();
    expect(result.status).toBe('REJECTED');
    expect(result.requests[0].reason).toBe('cannot delete cache-1: app-1 (active) depends on it');
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
    const reported = harness.fleet.reports.filter((r) => r.tenantId === tenantId).flatMap((r) => r.instances);
    expect(reported).toEqual([expect.objectContaining({ serviceInstanceId: 'cache-1', status: 'REJECTED' })]);
  });

  it('rejects a cyclic graph and an unknown tenant with reasons that name them', async () => {
    const cyclic = newTenant();
    harness.fleet.addTenant(cyclic, [
      ['app-1', ['db-1']],
      ['db-1', ['app-1']],
    ]);
    const cycle = await (await requestDeletion(harness.client, request(cyclic))).result();
    expect(cycle.requests[0]).toMatchObject({ status: 'REJECTED', reason: 'dependency cycle: app-1 -> db-1 -> app-1' });

    const ghost = newTenant();
    const unknown = await (await requestDeletion(harness.client, request(ghost))).result();
    expect(unknown.requests[0]).toMatchObject({
      status: 'REJECTED',
      reason: `unknown tenant ${ghost}: it has no service instances in the inventory`,
    });
    expect(harness.fleet.callsOf(cyclic)).toEqual([]);
  });

  it('waits, FAILED, after a refusal and deletes nothing below it until retryFailed', async () => {
    const tenantId = newTenant();
    seedGraph(tenantId);
    let refuse = true;
    harness.fleet.behave(tenantId, 'cache-1', async (_input, attempt) => {
      if (refuse)
        throw serviceFailure(FAILURE_TYPES.rejected, 'cache answered DELETE with 422: schema drift', { attempt });
      return { keys: 3 };
    });
    const handle = await requestDeletion(harness.client, request(tenantId));
    await until(async () => (await handle.query(progressQuery)).status === 'FAILED', 'FAILED');

    const progress = await handle.query(progressQuery);
    const cache = progress.instances.find((i) => i.serviceInstanceId === 'cache-1')!;
    expect(cache).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(cache.lastError).toContain('schema drift');
    expect(progress.instances.find((i) => i.serviceInstanceId === 'db-1')!.status).toBe('PENDING');
    expect(harness.fleet.callsOf(tenantId).map((c) => c.serviceInstanceId)).not.toContain('db-1');

    refuse = false;
    await handle.signal(retryFailedSignal);
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.instances.find((i) => i.serviceInstanceId === 'cache-1')).toMatchObject({
      status: 'COMPLETED',
      deletedCounts: { keys: 3 },
      attempts: 2,
    });
  });

  it('cancels mid-way: running children stop, and what they needed is kept', async () => {
    const tenantId = newTenant();
    seedGraph(tenantId);
    harness.fleet.behave(tenantId, 'cache-1', untilCancelled);
    const handle = await requestDeletion(harness.client, request(tenantId));
    await until(() => harness.fleet.startedAt(tenantId, 'cache-1') < Infinity, 'cache-1 to start');
    await handle.signal(cancelSignal);
    const result = await handle.result();

    expect(result.status).toBe('CANCELLED');
    const byId = Object.fromEntries(result.instances.map((i) => [i.serviceInstanceId, i]));
    expect(byId['app-1'].status).toBe('COMPLETED');
    expect(byId['cache-1'].status).toBe('CANCELLED');
    expect(byId['cache-1'].failureReason).toContain('still present: rows 1');
    expect(byId['db-1'].status).toBe('CANCELLED');
    expect(harness.fleet.callsOf(tenantId).map((c) => c.serviceInstanceId)).not.toContain('db-1');
    expect(harness.fleet.finalizations.filter((f) => f.tenantId === tenantId)).toEqual([]);
  });

  it('ignores cancel and retryFailed signals with a malformed selection instead of widening them to the whole tenant', async () => {
    const tenantId = newTenant();
    harness.fleet.addTenant(tenantId, [['db-1']]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    harness.fleet.behave(tenantId, 'db-1', async () => {
      await gate;
      return { rows: 3 };
    });
    const handle = await requestDeletion(harness.client, request(tenantId));
    await until(() => harness.fleet.startedAt(tenantId, 'db-1') < Infinity, 'db-1 to start');
    // A typo'd field, a bare string, ids that are not identifiers: each as the Web UI or a script might send it.
    for (const malformed of [{ instance: ['db-1'] }, { instances: 'db-1' }, { instances: ['db 1; DROP'] }]) {
      await handle.signal(cancelSignal, malformed as never);
      await handle.signal(retryFailedSignal, malformed as never);
    }
    expect((await handle.query(progressQuery)).status).toBe('IN_PROGRESS');
    release();
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.instances[0]).toMatchObject({ serviceInstanceId: 'db-1', status: 'COMPLETED', attempts: 1 });
  });

  it('waits on a legal hold, visibly ON_HOLD, without spending attempts', async () => {
    const tenantId = newTenant();
    harness.fleet.addTenant(tenantId, [['db-1']]);
    let held = true;
    harness.fleet.behave(tenantId, 'db-1', async (_input, attempt) => {
      if (held)
        throw serviceFailure(FAILURE_TYPES.legalHold, 'db answered DELETE with 409: legal hold (case 7)', { attempt });
      return { rows: 5 };
    });
    const handle = await requestDeletion(harness.client, request(tenantId));
    await until(async () => (await handle.query(progressQuery)).status === 'ON_HOLD', 'ON_HOLD');
    await until(() => harness.fleet.callsOf(tenantId).length >= 2, 'a re-check of the hold');
    held = false;
    const result = await handle.result();
    expect(result.instances[0]).toMatchObject({ status: 'COMPLETED', attempts: 1, deletedCounts: { rows: 5 } });
  });

  it('honours Retry-After as the next retry delay', async () => {
    const tenantId = newTenant();
    harness.fleet.addTenant(tenantId, [['db-1']]);
    harness.fleet.behave(tenantId, 'db-1', async (_input, attempt) => {
      if (attempt === 1) throw serviceFailure(FAILURE_TYPES.unavailable, '503', { attempt, httpStatus: 503 }, 1_500);
      return { rows: 2 };
    });
    const result = await (await requestDeletion(harness.client, request(tenantId))).result();
    const [first, second] = harness.fleet.callsOf(tenantId);
    expect(second.startedAt - first.startedAt).toBeGreaterThanOrEqual(1_400);
    expect(result.instances[0]).toMatchObject({ status: 'COMPLETED', attempts: 2 });
  });

  it('dry run previews every instance and deletes nothing', async () => {
    const tenantId = newTenant();
    seedGraph(tenantId);
    const result = await (await requestDeletion(harness.client, request(tenantId, { dryRun: true }))).result();
    expect(result.requests[0]).toMatchObject({ status: 'COMPLETED', dryRun: true });
    expect(harness.fleet.callsOf(tenantId)).toEqual([]);
    expect(harness.fleet.callsOf(tenantId, 'previewInstance')).toHaveLength(4);
    expect(harness.fleet.suspended).not.toContain(tenantId);
    const reported = harness.fleet.reports.filter((r) => r.tenantId === tenantId).flatMap((r) => r.instances);
    expect(reported.map((r) => r.deletedCounts)).toEqual([{ rows: 7 }, { rows: 7 }, { rows: 7 }, { rows: 7 }]);
  });

  it('absorbs a repeated requestId and joins concurrent requests in one workflow', async () => {
    const tenantId = newTenant();
    harness.fleet.addTenant(tenantId, [['app-1'], ['report-1'], ['db-1']]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    harness.fleet.behave(tenantId, 'app-1', async () => {
      await gate;
      return { rows: 1 };
    });
    const first = request(tenantId, { instances: ['app-1'] });
    const handle = await requestDeletion(harness.client, first);
    await requestDeletion(harness.client, first);
    await requestDeletion(harness.client, request(tenantId, { instances: ['report-1'] }));
    await requestDeletion(harness.client, request(tenantId, { instances: ['app-1'] }));
    release();
    const result = await handle.result();

    expect(result.requests).toHaveLength(3);
    expect(result.requests.every((r) => r.status === 'COMPLETED')).toBe(true);
    const deleted = harness.fleet
      .callsOf(tenantId)
      .map((c) => c.serviceInstanceId)
      .sort();
    expect(deleted).toEqual(['app-1', 'report-1']);
    const { runId } = await harness.client.workflow.getHandle(tenantWorkflowId(tenantId)).describe();
    expect(runId).toBe(handle.signaledRunId);
  });

  it('fails an invalid start input at once, naming the field, and calls nothing', async () => {
    const tenantId = newTenant();
    const handle = await requestDeletion(harness.client, { ...request(tenantId), traceId: "x'; DROP TABLE t;--" });
    const failure = await handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toContain('traceId');
    expect(harness.fleet.calls.filter((c) => c.tenantId === tenantId)).toEqual([]);
  });
});
