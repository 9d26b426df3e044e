import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import pg from 'pg';
import { serviceInstanceWorkflowId, FAILURE_TYPES } from '@tenant-deletion/contract';
import { upsertInstances } from '../../db/service-instances';
import { instanceDatabaseUrl } from '../../services/fleet/fleet-databases';
import type { RunningFleet } from '../../services/fleet/fleet';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { cancelSignal } from '../../workflows/signals';
import { progressQuery } from '@tenant-deletion/client';
import type { TenantDeletionWorkflow } from '../../workflows/tenant-deletion-workflow';
import { json, tdel } from '../cli/run-tdel';
import { startTestApi, type TestApi } from '../api/api-harness';
import { until } from '../until';
import {
  adminCall,
  config,
  E2E_INSTANCES,
  previews,
  requestWholeTenant as requestWholeTenantDeletion,
  seedOn,
  setFaults,
  startE2eFleet,
  startWorkers,
  tableTotals,
  temporalClient,
  tenantRowsBySql,
  uniqueTenant,
} from './e2e-stack';
import { recordedActivities } from './history-timings';

/**
 * How a deletion meets a failing service, on the real local stack (Temporal, Postgres, Kafka), the real fleet and
 * the real activities: Retry-After, refusals, a legal hold and a writer racing the deletion. Each tenant lives on
 * notification-1 only, so that each test waits for one service. The services' fault knobs script the refusals:
 * `nextAnswers` answers the next tenant requests, in order. The worker pool runs without an approval threshold, so
 * no admission preview comes first: a deletion's first request to the service is its DELETE.
 */

const SERVICE = 'notification-1';
const SERVICE_TYPE = 'notification';
const RECORDS = 40;

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const orchestratorDb = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
const serviceDb = new pg.Pool({
  connectionString: instanceDatabaseUrl(
    config.DATABASE_URL,
    E2E_INSTANCES.find((i) => i.serviceInstanceId === SERVICE)!,
  ),
  max: 2,
});
/** Tenant workflows still open when a test ends (it failed half-way): terminated, so none outlives the file. */
const open = new Set<WorkflowHandle>();
/** Tenants a test placed a legal hold for: lifted after each test. */
const holds = new Set<string>();
/** Writers still inserting when a test ends: stopped after each test. */
const writers = new Set<{ stop(): Promise<number> }>();

/** The deletion API, which `tdel retry` sends its request through. */
let api: TestApi;

beforeAll(async () => {
  fleet = await startE2eFleet();
  api = await startTestApi({ registryUrl: fleet.registryUrl });
  workers = await startWorkers(fleet, undefined, { approvalThresholdRecords: null });
  temporal = await temporalClient();
}, 120_000);
afterEach(async () => {
  for (const writer of [...writers]) await writer.stop();
  for (const handle of open) await handle.terminate('test cleanup').catch(() => undefined);
  open.clear();
  for (const tenantId of holds) await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
  holds.clear();
  await setFaults(fleet, SERVICE, {});
});
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await api?.close();
  await fleet?.close();
  await orchestratorDb.end();
  await serviceDb.end();
});

async function requestWholeTenant(tenantId: string) {
  const handle = await requestWholeTenantDeletion(temporal.client, tenantId);
  open.add(handle);
  return handle;
}

async function finished(handle: Awaited<ReturnType<typeof requestWholeTenant>>) {
  const result = await handle.result();
  open.delete(handle);
  return result;
}

async function progressOf(handle: WorkflowHandle<typeof TenantDeletionWorkflow>) {
  const progress = await handle.query(progressQuery);
  return { progress, instance: progress.instances.find((i) => i.serviceInstanceId === SERVICE) };
}

/** Every table of the service's database, all tenants' rows counted by SQL (the tables without a tenant column too). */
async function serviceTables(): Promise<Record<string, number>> {
  return Object.fromEntries(
    Object.entries(await tableTotals())
      .filter(([key]) => key.startsWith(`${SERVICE}/`))
      .map(([key, n]) => [key.slice(SERVICE.length + 1), n]),
  );
}

/** A writer that ignores the suspension (a batch job, a replica catching up): it inserts the tenant's rows by SQL. */
function startWriter(tenantId: string) {
  let running = true;
  let inserted = 0;
  const loop = (async () => {
    while (running) {
      await serviceDb.query(
        `INSERT INTO notification_preferences (tenant_id, user_ref, channel) VALUES ($1, $2, 'email')`,
        [tenantId, `late-writer-${inserted}`],
      );
      inserted += 1;
      await sleep(20);
    }
  })();
  const writer = {
    async stop(): Promise<number> {
      running = false;
      await loop;
      writers.delete(writer);
      return inserted;
    },
  };
  writers.add(writer);
  return writer;
}
/**
 * A refusal fails the instance at once: one attempt whose failure the history records, no retry, the service's
 * reason as the instance's failureReason, the tenant FAILED and waiting for an admin, nothing deleted. The admin's
 * cancel then ends the workflow.
 */
async function expectRefusedAtOnce(tenantId: string, serviceType: string, serviceReason: string): Promise<void> {
  const before = await serviceTables();
  const handle = await requestWholeTenant(tenantId);
  await until(async () => (await handle.query(progressQuery)).status === 'FAILED', 'the tenant to show FAILED', 30_000);

  const failureReason = `${serviceType} ${SERVICE} of tenant ${tenantId}: ${serviceReason}`;
  const { instance } = await progressOf(handle);
  expect(instance).toMatchObject({ status: 'FAILED', attempts: 1, lastError: failureReason });
  // The search attribute is written at the end of the loop pass that saw the failure: the Web UI follows shortly.
  await until(
    async () => (await handle.describe()).typedSearchAttributes.get(DELETION_STATUS) === 'FAILED',
    'the DeletionStatus search attribute to show FAILED',
    10_000,
  );
  const activities = await childActivities(tenantId);
  expect(activities.map((a) => [a.activityType, a.outcome, a.attempt, a.previousFailure, a.failure])).toEqual([
    ['deleteInstance', 'failed', 1, undefined, { type: FAILURE_TYPES.rejected, message: serviceReason }],
  ]);
  expect(await serviceTables()).toEqual(before);

  await handle.signal(cancelSignal);
  const result = await finished(handle);
  expect(result.status).toBe('CANCELLED');
  expect(result.instances).toEqual([
    expect.objectContaining({
      status: 'CANCELLED',
      attempts: 1,
      failureReason: `${failureReason}; cancelled by an admin: nothing more deleted`,
    }),
  ]);
  expect(await serviceTables()).toEqual(before);
}

const childActivities = (tenantId: string) =>
  recordedActivities(temporal.client, serviceInstanceWorkflowId(tenantId, SERVICE));

/**
 * Places a legal hold on the tenant at the service, then requests its deletion; returns once the tenant's progress
 * shows the instance ON_HOLD and the child has met the hold twice (it re-checks every holdRecheckSeconds, 1 s here).
 */
async function requestUnderHold(tenantId: string) {
  await adminCall(fleet, SERVICE, 'PUT', `/admin/legal-holds/${tenantId}`, { reason: 'litigation, case 2026-17' });
  holds.add(tenantId);
  const handle = await requestWholeTenant(tenantId);
  await until(async () => (await progressOf(handle)).instance?.status === 'ON_HOLD', 'the instance ON_HOLD', 30_000);
  await until(
    async () => (await childActivities(tenantId)).filter((a) => a.outcome === 'failed').length >= 2,
    'a second DELETE refused by the hold',
    30_000,
  );
  // The 409 names who placed the hold (the admins' token's subject, adminCall's) and since when.
  const holdReason = expect.stringMatching(
    new RegExp(
      `^${SERVICE_TYPE} answered DELETE with 409: legal hold \\(tenant ${tenantId} is under legal hold placed by ` +
        'e2e-admin since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: its data stays until an admin lifts the hold\\)$',
    ),
  );
  return { handle, holdReason };
}

describe('a deletion meeting a failing service, on the real stack and fleet', () => {
  it('retries a DELETE answered 503 with Retry-After: 3 after 3 s (past the retry policy’s 2 s maximum interval), as the child’s history shows, and completes on attempt 2', async () => {
    const tenantId = uniqueTenant('retry-after');
    await seedOn(fleet, tenantId, RECORDS, [SERVICE]);
    const seeded = await tenantRowsBySql(SERVICE, tenantId);
    expect(Object.values(seeded).some((n) => n > 0)).toBe(true);
    await setFaults(fleet, SERVICE, {
      nextAnswers: [{ status: 503, code: 'UNAVAILABLE', message: 'warming up its cache', retryAfterSeconds: 3 }],
    });

    const result = await finished(await requestWholeTenant(tenantId));

    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toEqual([
      expect.objectContaining({ serviceInstanceId: SERVICE, status: 'COMPLETED', attempts: 2, failureReason: null }),
    ]);
    const activities = await childActivities(tenantId);
    expect(activities.map((a) => [a.activityType, a.outcome, a.attempt])).toEqual([['deleteInstance', 'completed', 2]]);
    const [deletion] = activities;
    expect(deletion.previousFailure).toEqual({
      type: FAILURE_TYPES.unavailable,
      message: `${SERVICE_TYPE} answered DELETE with 503: warming up its cache`,
    });
    // Attempt 1 was scheduled, started and refused within milliseconds; attempt 2 started Retry-After later.
    const gap = deletion.startedAt! - deletion.scheduledAt;
    expect(gap).toBeGreaterThanOrEqual(3_000);
    expect(gap).toBeLessThan(4_500);
    expect((await adminCall(fleet, SERVICE, 'GET', '/admin/faults')).nextAnswers).toEqual([]);
    for (const [table, n] of Object.entries(seeded)) {
      expect([table, result.instances[0].deletedCounts[table]]).toEqual([table, n]);
    }
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).every((n) => n === 0)).toBe(true);
  }, 60_000);

  it.each([
    [400, 'INVALID_REQUEST', 'this service version wants the v2 deletion path'],
    [422, 'UNPROCESSABLE', 'tenant has unsettled invoices: settle them before deleting'],
  ])(
    'fails the instance at once on a %i (one attempt, no retry, the service’s reason as failureReason, nothing deleted)',
    async (status, code, message) => {
      const tenantId = uniqueTenant(`refused-${status}`);
      await seedOn(fleet, tenantId, RECORDS, [SERVICE]);
      await setFaults(fleet, SERVICE, { nextAnswers: [{ status, code, message }] });
      await expectRefusedAtOnce(tenantId, SERVICE_TYPE, `${SERVICE_TYPE} answered DELETE with ${status}: ${message}`);
      expect((await adminCall(fleet, SERVICE, 'GET', '/admin/faults')).nextAnswers).toEqual([]);
    },
    60_000,
  );

  it('fails the instance at once on a 403 from a token for the wrong audience (the inventory names the wrong service type): one attempt, the service’s reason as failureReason, nothing deleted', async () => {
    const tenantId = uniqueTenant('refused-403');
    await seedOn(fleet, tenantId, RECORDS, [SERVICE]);
    // A misregistered instance: notification's base URL under the suppliers type, so tokens name the wrong audience.
    await upsertInstances(orchestratorDb, tenantId, [
      {
        serviceInstanceId: SERVICE,
        serviceType: 'suppliers',
        baseUrl: fleet.instances.find((i) => i.serviceInstanceId === SERVICE)!.baseUrl,
        dependsOn: [],
        status: 'ACTIVE',
      },
    ]);
    await expectRefusedAtOnce(
      tenantId,
      'suppliers',
      `suppliers answered DELETE with 403: token is not for ${SERVICE_TYPE}`,
    );
  }, 60_000);

  it('shows the instance and the tenant ON_HOLD (progress query; the child’s DeletionStatus) under a 409 legal hold, deletes none of the service’s rows while held, and completes with the rows gone once the hold is lifted', async () => {
    const tenantId = uniqueTenant('hold');
    await seedOn(fleet, tenantId, RECORDS, [SERVICE]);
    const seeded = await tenantRowsBySql(SERVICE, tenantId);
    const before = await serviceTables();
    const { handle, holdReason } = await requestUnderHold(tenantId);
    const { progress, instance } = await progressOf(handle);
    expect(progress.status).toBe('ON_HOLD');
    expect(instance).toMatchObject({ status: 'ON_HOLD', lastError: holdReason });
    const child = temporal.client.workflow.getHandle(serviceInstanceWorkflowId(tenantId, SERVICE));
    expect((await child.describe()).typedSearchAttributes.get(DELETION_STATUS)).toBe('ON_HOLD');
    const refused = (await childActivities(tenantId)).filter((a) => a.outcome === 'failed');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const attempt of refused) {
      expect([attempt.attempt, attempt.failure]).toEqual([1, { type: FAILURE_TYPES.legalHold, message: holdReason }]);
    }
    expect(await tenantRowsBySql(SERVICE, tenantId)).toEqual(seeded);
    expect(await serviceTables()).toEqual(before);

    await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
    holds.delete(tenantId);
    const result = await finished(handle);

    expect(result.status).toBe('COMPLETED');
    // A hold spends no attempt: the DELETE that went through was the first counted.
    expect(result.instances).toEqual([
      expect.objectContaining({ serviceInstanceId: SERVICE, status: 'COMPLETED', attempts: 1, failureReason: null }),
    ]);
    expect((await handle.describe()).typedSearchAttributes.get(DELETION_STATUS)).toBe('COMPLETED');
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId))).toEqual(Object.values(seeded).map(() => 0));
    const after = await serviceTables();
    const { deletedCounts } = result.instances[0];
    for (const table of Object.keys(before)) {
      expect([table, before[table] - after[table]]).toEqual([table, deletedCounts[table] ?? 0]);
    }
    expect(Object.values(deletedCounts).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
  }, 60_000);

  it('shows ON_HOLD in the tenant workflow’s DeletionStatus search attribute while its instance waits on a legal hold, and COMPLETED once it is lifted and the deletion ends', async () => {
    const tenantId = uniqueTenant('hold-attr');
    await seedOn(fleet, tenantId, RECORDS, [SERVICE]);
    const { handle } = await requestUnderHold(tenantId);
    const shown = async () => (await handle.describe()).typedSearchAttributes.get(DELETION_STATUS);
    await until(
      async () => (await shown()) === 'ON_HOLD',
      'the tenant workflow’s DeletionStatus to show ON_HOLD',
      5_000,
    );
    await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
    holds.delete(tenantId);
    expect((await finished(handle)).status).toBe('COMPLETED');
    expect(await shown()).toBe('COMPLETED');
  }, 60_000);

  it('fails the instance as under-deletion when a writer adds the tenant’s rows while it deletes, and `tdel retry` after the writer stopped completes it with a zero preview', async () => {
    const tenantId = uniqueTenant('writer');
    await seedOn(fleet, tenantId, RECORDS, [SERVICE]);
    // Every request to the service first waits 1 s, so the verifying preview counts at least 1 s after the DELETE
    // committed; the writer, inserting every 20 ms all along, adds the tenant's rows in between.
    await setFaults(fleet, SERVICE, { latencyMs: 1_000 });
    const writer = startWriter(tenantId);
    const handle = await requestWholeTenant(tenantId);
    await until(
      async () => (await handle.query(progressQuery)).status === 'FAILED',
      'the tenant to show FAILED',
      30_000,
    );
    const inserted = await writer.stop();

    const { instance } = await progressOf(handle);
    expect(instance).toMatchObject({ status: 'FAILED', attempts: 1 });
    const prefix = `${SERVICE_TYPE} ${SERVICE} of tenant ${tenantId}: under-deletion: `;
    expect(instance!.lastError).toMatch(
      new RegExp(`^${prefix}notification_preferences still holds (\\d+) rows after ${SERVICE_TYPE} reported success$`),
    );
    const activities = await childActivities(tenantId);
    expect(activities.map((a) => [a.activityType, a.outcome, a.attempt, a.failure?.type])).toEqual([
      ['deleteInstance', 'failed', 1, FAILURE_TYPES.underDeletion],
    ]);
    const left = await tenantRowsBySql(SERVICE, tenantId);
    const seenByPreview = Number(/holds (\d+) rows/.exec(instance!.lastError!)![1]);
    expect(seenByPreview).toBeGreaterThan(0);
    expect(left.notification_preferences).toBeGreaterThanOrEqual(seenByPreview);
    expect(left.notification_preferences).toBeLessThanOrEqual(inserted);
    expect(Object.entries(left).filter(([, n]) => n > 0)).toEqual([
      ['notification_preferences', left.notification_preferences],
    ]);

    await setFaults(fleet, SERVICE, {});
    const retried = await tdel(['retry', tenantId, '--instance', SERVICE, '--json'], {
      env: { TDEL_API_URL: api.url },
    });
    expect(retried.code).toBe(0);
    expect(json(retried)).toMatchObject({
      update: 'retryFailedDeletion',
      instances: [{ serviceInstanceId: SERVICE, from: 'FAILED', to: 'PENDING' }],
    });
    const result = await finished(handle);

    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toEqual([
      expect.objectContaining({ serviceInstanceId: SERVICE, status: 'COMPLETED', attempts: 2, failureReason: null }),
    ]);
    // The second run deleted exactly what the writer had left.
    expect(Object.entries(result.instances[0].deletedCounts).filter(([, n]) => n > 0)).toEqual([
      ['notification_preferences', left.notification_preferences],
    ]);
    expect((await previews(fleet, tenantId))[SERVICE]).toBe(0);
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).every((n) => n === 0)).toBe(true);
  }, 60_000);
});
