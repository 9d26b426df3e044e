import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { tenantWorkflowId } from '@tenant-deletion/contract';
import type { TenantView } from '../../client/cli/tenant-view';
import type { RunningFleet } from '../../services/fleet/fleet';
import { registryDatabaseUrl } from '../../services/registry/registry-server';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { progressQuery } from '@tenant-deletion/client';
import { json, tdel } from '../cli/run-tdel';
import { startTestApi, type TestApi } from '../api/api-harness';
import { until } from '../until';
import {
  config,
  E2E_INSTANCES,
  previews,
  seed,
  seedOn,
  setFaults,
  startE2eFleet,
  startWorkers,
  startWorkersWithDefaultBlastRadius,
  tableTotals,
  temporalClient,
  tenantRowsBySql,
  uniqueTenant,
} from './e2e-stack';

/**
 * The guard rails and an admin's commands on the real local stack (Temporal, Kafka, PostgreSQL), the real fleet and
 * the real activities, driven through `tdel` as a process, as an admin would: cancel, retry, the dry run, approval
 * above the threshold, the blast-radius cap at its default and the grace period. Each describe starts the worker
 * pool with the guard rails it tests, one pool at a time, as they share the contract's task queues. Whether rows
 * were deleted is counted by SQL in the services' databases, never taken from the orchestrator's word.
 */

jest.setTimeout(90_000);

let fleet: RunningFleet;
/** The deletion API, which `tdel delete|cancel|retry|approve` send their requests through. */
let api: TestApi;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
const registryDb = new pg.Pool({ connectionString: registryDatabaseUrl(config.DATABASE_URL), max: 1 });
/** Tenants whose deletion a test started: a workflow a failed test left running is terminated after it. */
const started = new Set<string>();
/** Instances a test set fault knobs on: turned off after it. */
const faulty = new Set<string>();

beforeAll(async () => {
  fleet = await startE2eFleet();
  api = await startTestApi({ registryUrl: fleet.registryUrl });
  temporal = await temporalClient();
}, 120_000);
afterEach(async () => {
  for (const tenantId of started) {
    await temporal.client.workflow
      .getHandle(tenantWorkflowId(tenantId))
      .terminate('test cleanup')
      .catch(() => undefined);
  }
  started.clear();
  for (const id of faulty) await setFaults(fleet, id, {});
  faulty.clear();
});
afterAll(async () => {
  await temporal?.close();
  await api?.close();
  await fleet?.close();
  await Promise.all([db.end(), registryDb.end()]);
});

/** A worker pool for one describe: started before its tests, stopped after them. */
function workersFor(start: () => ReturnType<typeof startWorkers>): void {
  let workers: Awaited<ReturnType<typeof startWorkers>> | undefined;
  beforeAll(async () => {
    workers = await start();
  }, 120_000);
  afterAll(() => workers?.stop());
}

/** `tdel` as `user` (TDEL_USER: the subject of its local development token, an operator), through the API. */
function cli(args: string[], user = 'admin-e2e') {
  if (args[0] === 'delete') started.add(args[1]);
  return tdel(args, { env: { TDEL_USER: user, TDEL_API_URL: api.url } });
}

/** Sets fault knobs on one instance (services/kit/faults.ts), turned off again after the test. */
async function injectFaults(serviceInstanceId: string, faults: Record<string, unknown>): Promise<void> {
  faulty.add(serviceInstanceId);
  await setFaults(fleet, serviceInstanceId, faults);
}

const progress = (tenantId: string) =>
  temporal.client.workflow.getHandle(tenantWorkflowId(tenantId)).query(progressQuery);

const statuses = (view: TenantView) =>
  Object.fromEntries(view.instances.map((instance) => [instance.serviceInstanceId, instance.status]));

const instanceOf = (view: TenantView, serviceInstanceId: string) =>
  view.instances.find((instance) => instance.serviceInstanceId === serviceInstanceId);

/** One instance's tables (all tenants' rows, counted by SQL), from a tableTotals snapshot. */
function tablesOf(totals: Record<string, number>, serviceInstanceId: string): Record<string, number> {
  return Object.fromEntries(Object.entries(totals).filter(([key]) => key.startsWith(`${serviceInstanceId}/`)));
}

async function tenantRowsLeft(tenantId: string, serviceInstanceIds: string[]): Promise<number> {
  let left = 0;
  for (const id of serviceInstanceIds) {
    left += Object.values(await tenantRowsBySql(id, tenantId)).reduce((sum, n) => sum + n, 0);
  }
  return left;
}

async function registryState(tenantId: string) {
  const { rows } = await registryDb.query<{ status: string; suspended: boolean }>(
    'SELECT status, suspended_at IS NOT NULL AS suspended FROM tenants WHERE tenant_id = $1',
    [tenantId],
  );
  return rows[0];
}

/** The rows of every table that a completed deletion lost equal, table by table, what it says it deleted. */
function expectDeletedAsReported(before: Record<string, number>, after: Record<string, number>, view: TenantView) {
  for (const instance of view.instances) {
    for (const [table, deleted] of Object.entries(instance.deletedCounts)) {
      const key = `${instance.serviceInstanceId}/${table}`;
      if (!(key in before)) continue; // files, not rows
      expect([key, before[key] - after[key]]).toEqual([key, deleted]);
    }
  }
}

interface DeleteDocument {
  requestId: string;
  dryRun: boolean;
  outcome: string | null;
  tenant: TenantView;
}

describe('with the guard rails off', () => {
  workersFor(() => startWorkers(fleet, undefined, { approvalThresholdRecords: null }));

  it('`tdel cancel` while training-1’s service is slowed ends the deletion CANCELLED: forecasting-1 (deleted before) stays deleted, training-1 (running) is cancelled, and sales-1 (not yet started) keeps every row by SQL', async () => {
    const tenantId = uniqueTenant('cancel');
    // Deleted one after the other: forecasting-1 needs training-1 and sales-1, training-1 needs sales-1.
    await seedOn(fleet, tenantId, 300, ['forecasting-1', 'training-1', 'sales-1']);
    const before = await tableTotals();
    await injectFaults('training-1', { latencyMs: 10_000 });

    expect((await cli(['delete', tenantId])).code).toBe(0);
    await until(
      async () =>
        (await progress(tenantId)).instances.find((i) => i.serviceInstanceId === 'training-1')?.status ===
        'IN_PROGRESS',
      'training-1 to start',
      30_000,
    );
    const cancelled = await cli(['cancel', tenantId]);
    expect(cancelled.code).toBe(0);
    // What the cancel changed: sales-1 (waiting for training-1) at once, training-1 (running) at its next safe point;
    // forecasting-1, already settled, is not listed.
    expect(cancelled.stdout).toContain(
      `cancelDeletion on tenant-deletion:${tenantId} (whole tenant): 2 instances, 0 requests changed`,
    );
    expect(cancelled.stdout).toMatch(/sales-1 +PENDING +CANCELLED\n/);
    expect(cancelled.stdout).toMatch(/training-1 +IN_PROGRESS +CANCEL_REQUESTED\n/);
    expect(cancelled.stdout).not.toContain('forecasting-1');
    await setFaults(fleet, 'training-1', {});

    const watched = await cli(['status', tenantId, '--watch', '--json']);
    expect(watched.code).toBe(1);
    const view = json<TenantView>(watched);
    expect(view.status).toBe('CANCELLED');
    expect(statuses(view)).toEqual({ 'forecasting-1': 'COMPLETED', 'training-1': 'CANCELLED', 'sales-1': 'CANCELLED' });
    expect(instanceOf(view, 'training-1')!.lastError).toMatch(/^cancelled by an admin/);
    const after = await tableTotals();
    expect(tablesOf(after, 'sales-1')).toEqual(tablesOf(before, 'sales-1'));
    expect(await tenantRowsLeft(tenantId, ['sales-1'])).toBeGreaterThan(0);
    expect(await tenantRowsLeft(tenantId, ['forecasting-1'])).toBe(0);
    // The DELETE training-1 was sent still runs out its 10 s at the service (the cancel does not wait for it, a known
    // defect); it ends here, so that it changes no later test's tables.
    await until(
      async () => (await tenantRowsLeft(tenantId, ['training-1'])) === 0,
      'the DELETE in flight at training-1 to end',
      30_000,
    );
  }, 90_000);

  it('`tdel retry` of an instance FAILED after its service answered 500 to all 5 attempts completes the deletion once the service is healthy: nothing deleted before the retry, every row of the tenant gone after it (SQL)', async () => {
    const tenantId = uniqueTenant('retry');
    const instances = ['alert-processor-1', 'notification-1']; // alert-processor-1 needs notification-1
    await seedOn(fleet, tenantId, 200, instances);
    const before = await tableTotals();
    await injectFaults('alert-processor-1', { errorRate: 1 });

    const waited = await cli(['delete', tenantId, '--wait', '--json']);
    expect(waited.code).toBe(1);
    const failed = json<DeleteDocument>(waited);
    expect(failed.outcome).toBe('FAILED');
    expect(instanceOf(failed.tenant, 'alert-processor-1')).toMatchObject({
      status: 'FAILED',
      attempts: 5,
      lastError: `alert-processor alert-processor-1 of tenant ${tenantId}: alert-processor answered DELETE with 500: injected fault: internal error`,
    });
    expect(instanceOf(failed.tenant, 'notification-1')!.status).toBe('PENDING');
    expect(await tableTotals()).toEqual(before);

    await setFaults(fleet, 'alert-processor-1', {});
    const retried = await cli(['retry', tenantId]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(
      `retryFailedDeletion on tenant-deletion:${tenantId} (every FAILED): 1 instance, 0 requests changed`,
    );
    expect(retried.stdout).toMatch(/alert-processor-1 +FAILED +PENDING\n/);

    const watched = await cli(['status', tenantId, '--watch', '--json']);
    expect(watched.code).toBe(0);
    const view = json<TenantView>(watched);
    expect(view.status).toBe('COMPLETED');
    expect(statuses(view)).toEqual({ 'alert-processor-1': 'COMPLETED', 'notification-1': 'COMPLETED' });
    expect(instanceOf(view, 'alert-processor-1')!.attempts).toBe(6);
    expect(await tenantRowsLeft(tenantId, instances)).toBe(0);
    expectDeletedAsReported(before, await tableTotals(), view);
  });

  it('`tdel delete --dry-run` leaves every table of every instance as it was (SQL) and reports, per instance and table, exactly the rows the seed gave the tenant', async () => {
    const tenantId = uniqueTenant('dry-run');
    // The first seed into a fresh database also creates the fleet's shared city-wide rows (weather stations and
    // their observations), which belong to no tenant: a neighbour seeded first keeps them out of this count.
    await seed(fleet, uniqueTenant('dry-run-neighbour'), 10);
    const unseeded = await tableTotals();
    await seed(fleet, tenantId, 300);
    const before = await tableTotals();

    const run = await cli(['delete', tenantId, '--dry-run', '--wait', '--json']);
    expect(run.code).toBe(0);
    const document = json<DeleteDocument>(run);
    expect(document).toMatchObject({ dryRun: true, outcome: 'COMPLETED' });
    expect(await tableTotals()).toEqual(before);

    const preview = document.tenant.requests.find((request) => request.requestId === document.requestId)!.preview!;
    expect(Object.keys(preview).sort()).toEqual(E2E_INSTANCES.map((i) => i.serviceInstanceId).sort());
    const previewed: Record<string, number> = {};
    for (const [id, counts] of Object.entries(preview)) {
      for (const [table, n] of Object.entries(counts)) previewed[`${id}/${table}`] = n;
    }
    const seeded = Object.fromEntries(
      Object.keys(before)
        .map((key) => [key, before[key] - (unseeded[key] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    // Every instance got rows of the tenant, so an empty preview cannot pass.
    expect(new Set(Object.keys(seeded).map((key) => key.split('/')[0])).size).toBe(E2E_INSTANCES.length);
    const previewedTables = Object.fromEntries(Object.entries(previewed).filter(([key, n]) => key in before && n > 0));
    expect(previewedTables).toEqual(seeded);

    const ledger = await db.query<{ service_instance_id: string; dry_run: boolean; deleted_counts: object }>(
      'SELECT service_instance_id, dry_run, deleted_counts FROM service_deletion_requests WHERE deletion_request_id = $1',
      [document.requestId],
    );
    expect(ledger.rows).toHaveLength(E2E_INSTANCES.length);
    for (const row of ledger.rows) {
      expect([row.service_instance_id, row.dry_run, row.deleted_counts]).toEqual([
        row.service_instance_id,
        true,
        preview[row.service_instance_id],
      ]);
    }
    expect(await registryState(tenantId)).toEqual({ status: 'ACTIVE', suspended: false });
  });
});

describe('approval above the threshold (APPROVAL_THRESHOLD_RECORDS 50)', () => {
  workersFor(() => startWorkers(fleet, undefined, { approvalThresholdRecords: 50 }));

  it('holds a 200-record tenant’s deletion AWAITING_APPROVAL with the previewed total, deleting and suspending nothing (SQL), until `tdel approve`; then it completes and the approver is recorded', async () => {
    const tenantId = uniqueTenant('approval');
    const instances = ['orders-1', 'recipes-1']; // orders-1 needs recipes-1
    await seedOn(fleet, tenantId, 200, instances);
    const before = await tableTotals();
    const total = Object.values(await previews(fleet, tenantId)).reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThan(50);

    const requested = await cli(['delete', tenantId, '--wait', '--json'], 'requester-e2e');
    expect(requested.code).toBe(1);
    const held = json<DeleteDocument>(requested);
    expect(held.outcome).toBe('AWAITING_APPROVAL');
    expect(held.tenant.status).toBe('AWAITING_APPROVAL');
    const reason = `previewed ${total} records exceed APPROVAL_THRESHOLD_RECORDS (50): approve or cancel`;
    expect(held.tenant.requests).toEqual([
      expect.objectContaining({ requestId: held.requestId, status: 'AWAITING_APPROVAL', reason }),
    ]);
    const handle = temporal.client.workflow.getHandle(tenantWorkflowId(tenantId));
    await until(
      async () => (await handle.describe()).typedSearchAttributes.get(DELETION_STATUS) === 'AWAITING_APPROVAL',
      'DeletionStatus AWAITING_APPROVAL',
    );
    expect(await tableTotals()).toEqual(before);
    expect(await registryState(tenantId)).toEqual({ status: 'ACTIVE', suspended: false });

    const approved = await cli(['approve', tenantId, '--json'], 'approver-e2e');
    expect(approved.code).toBe(0);
    expect(json(approved)).toMatchObject({
      update: 'approveDeletion',
      requests: [{ requestId: held.requestId, from: 'AWAITING_APPROVAL', to: 'IN_PROGRESS' }],
    });
    const watched = await cli(['status', tenantId, '--watch', '--json']);
    expect(watched.code).toBe(0);
    const view = json<TenantView>(watched);
    expect(statuses(view)).toEqual({ 'orders-1': 'COMPLETED', 'recipes-1': 'COMPLETED' });
    expect(await tenantRowsLeft(tenantId, instances)).toBe(0);
    expectDeletedAsReported(before, await tableTotals(), view);

    expect((await progress(tenantId)).requests).toEqual([
      expect.objectContaining({ requestId: held.requestId, requestedBy: 'requester-e2e', approvedBy: 'approver-e2e' }),
    ]);
    const start = await db.query('SELECT approved_by FROM whole_tenant_deletion_starts WHERE request_id = $1', [
      held.requestId,
    ]);
    expect(start.rows).toEqual([{ approved_by: 'approver-e2e' }]);
  });

  it('holds a deletion AWAITING_APPROVAL when a preview fails, because an unknown count is not zero, and deletes nothing (SQL) until `tdel approve`', async () => {
    const tenantId = uniqueTenant('preview-fails');
    await seedOn(fleet, tenantId, 20, ['notification-1']);
    const before = await tableTotals();
    // Every request answers 500 until the knobs are reset: the preview's retries all fail.
    await injectFaults('notification-1', { errorRate: 1 });
    const requested = await cli(['delete', tenantId, '--wait', '--json'], 'requester-e2e');
    expect(requested.code).toBe(1);
    const held = json<DeleteDocument>(requested);
    expect(held.outcome).toBe('AWAITING_APPROVAL');
    expect(held.tenant.requests).toEqual([
      expect.objectContaining({
        status: 'AWAITING_APPROVAL',
        reason:
          'preview failed for notification-1 (notification answered GET with 500: injected fault: internal error), ' +
          'so the total is unknown against APPROVAL_THRESHOLD_RECORDS (50): approve or cancel',
      }),
    ]);
    expect(await tableTotals()).toEqual(before);

    await setFaults(fleet, 'notification-1', {});
    expect((await cli(['approve', tenantId, '--json'], 'approver-e2e')).code).toBe(0);
    expect((await cli(['status', tenantId, '--watch', '--json'])).code).toBe(0);
    expect(await tenantRowsLeft(tenantId, ['notification-1'])).toBe(0);
  });
});

/**
 * The cap counts every whole-tenant start in its window, of any tenant and any test (startWorkers records them
 * too, with the cap lifted). The test sets the count: it moves the window's rows out of it (back by one window) and
 * inserts its own, and undoes both however it ends, so that no other test meets a full window.
 */
const blastWindow = {
  moved: [] as string[],
  insertedPrefix: `e2e-blast-${randomUUID().slice(0, 8)}-`,
  hours: 0,
  async fill(count: number, hours: number): Promise<void> {
    blastWindow.hours = hours;
    const moved = await db.query<{ request_id: string }>(
      `UPDATE whole_tenant_deletion_starts SET started_at = started_at - make_interval(hours => $1)
        WHERE started_at > now() - make_interval(hours => $1) RETURNING request_id`,
      [hours],
    );
    blastWindow.moved = moved.rows.map((row) => row.request_id);
    await db.query(
      `INSERT INTO whole_tenant_deletion_starts (request_id, tenant_id, started_at)
       SELECT $1 || n, 'e2e-blast-prior-' || n, now() - interval '1 minute' FROM generate_series(1, $2) AS n`,
      [blastWindow.insertedPrefix, count],
    );
  },
  async restore(): Promise<void> {
    await db.query('DELETE FROM whole_tenant_deletion_starts WHERE starts_with(request_id, $1)', [
      blastWindow.insertedPrefix,
    ]);
    if (blastWindow.moved.length > 0) {
      await db.query(
        `UPDATE whole_tenant_deletion_starts SET started_at = started_at + make_interval(hours => $1)
          WHERE request_id = ANY($2)`,
        [blastWindow.hours, blastWindow.moved],
      );
      blastWindow.moved = [];
    }
  },
  async count(): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM whole_tenant_deletion_starts WHERE started_at > now() - make_interval(hours => $1)',
      [blastWindow.hours],
    );
    return rows[0].n;
  },
};

describe('the blast-radius cap at its default (50 whole-tenant deletions in 24 h)', () => {
  let blastRadius: { max: number; windowHours: number };
  workersFor(async () => {
    const workers = await startWorkersWithDefaultBlastRadius(fleet, { approvalThresholdRecords: null });
    blastRadius = workers.blastRadius;
    return workers;
  });
  afterAll(() => blastWindow.restore());

  it('lets the 50th whole-tenant deletion of the window through and holds the 51st AWAITING_APPROVAL with the cap as reason, deleting nothing (SQL), until `tdel approve` releases it; the approver is recorded with its start', async () => {
    expect(blastRadius).toEqual({ max: 50, windowHours: 24 });
    const fiftieth = uniqueTenant('blast-50th');
    const fiftyFirst = uniqueTenant('blast-51st');
    await seedOn(fleet, fiftieth, 50, ['suppliers-1']);
    await seedOn(fleet, fiftyFirst, 50, ['suppliers-1']);
    try {
      await blastWindow.fill(49, blastRadius.windowHours);

      const through = await cli(['delete', fiftieth, '--wait', '--json']);
      expect(through.code).toBe(0);
      expect(json<DeleteDocument>(through).outcome).toBe('COMPLETED');
      expect(await tenantRowsLeft(fiftieth, ['suppliers-1'])).toBe(0);
      expect(await blastWindow.count()).toBe(50);

      const before = await tableTotals();
      const requested = await cli(['delete', fiftyFirst, '--wait', '--json']);
      expect(requested.code).toBe(1);
      const held = json<DeleteDocument>(requested);
      expect(held.outcome).toBe('AWAITING_APPROVAL');
      expect(held.tenant.requests).toEqual([
        expect.objectContaining({
          requestId: held.requestId,
          status: 'AWAITING_APPROVAL',
          reason:
            'blast-radius cap: 50 whole-tenant deletions started in the last 24 h (at most 50): approve or cancel',
        }),
      ]);
      expect(await tableTotals()).toEqual(before);
      expect(await registryState(fiftyFirst)).toEqual({ status: 'ACTIVE', suspended: false });
      expect(await blastWindow.count()).toBe(50);

      const approved = await cli(['approve', fiftyFirst, '--json'], 'approver-e2e');
      expect(approved.code).toBe(0);
      const watched = await cli(['status', fiftyFirst, '--watch', '--json']);
      expect(watched.code).toBe(0);
      expect(json<TenantView>(watched).status).toBe('COMPLETED');
      expect(await tenantRowsLeft(fiftyFirst, ['suppliers-1'])).toBe(0);
      const start = await db.query('SELECT approved_by FROM whole_tenant_deletion_starts WHERE request_id = $1', [
        held.requestId,
      ]);
      expect(start.rows).toEqual([{ approved_by: 'approver-e2e' }]);
    } finally {
      await blastWindow.restore();
    }
    expect(
      await db.query('SELECT 1 FROM whole_tenant_deletion_starts WHERE starts_with(request_id, $1)', [
        blastWindow.insertedPrefix,
      ]),
    ).toMatchObject({ rowCount: 0 });
  });
});

describe('the grace period (60 s)', () => {
  workersFor(() => startWorkers(fleet, undefined, { approvalThresholdRecords: null, gracePeriodSeconds: 60 }));

  it('`tdel cancel` in the grace period of a whole-tenant, non-GDPR deletion restores the suspended tenant to ACTIVE in the registry and deletes nothing (SQL)', async () => {
    const tenantId = uniqueTenant('grace');
    await seedOn(fleet, tenantId, 200, ['suppliers-1', 'external-1']);
    const before = await tableTotals();
    expect(await registryState(tenantId)).toEqual({ status: 'ACTIVE', suspended: false });

    expect((await cli(['delete', tenantId])).code).toBe(0);
    await until(async () => (await registryState(tenantId)).status === 'SUSPENDED', 'the tenant suspended', 30_000);
    expect((await progress(tenantId)).requests).toEqual([
      expect.objectContaining({
        status: 'IN_PROGRESS',
        reason: 'grace period: deletion starts 60 s after the suspend; cancel restores the tenant',
      }),
    ]);
    const cancelled = await cli(['cancel', tenantId]);
    expect(cancelled.code).toBe(0);

    const watched = await cli(['status', tenantId, '--watch', '--json']);
    expect(watched.code).toBe(1);
    const view = json<TenantView>(watched);
    expect(view.status).toBe('CANCELLED');
    expect(view.requests).toEqual([
      expect.objectContaining({
        status: 'CANCELLED',
        reason: 'cancelled in the grace period: tenant restored, nothing deleted',
      }),
    ]);
    expect(await registryState(tenantId)).toEqual({ status: 'ACTIVE', suspended: false });
    expect(await tableTotals()).toEqual(before);
  });
});
