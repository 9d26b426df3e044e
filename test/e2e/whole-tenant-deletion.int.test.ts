import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { lifecycleEventSchema, serviceDeletionResultSchema, TOPICS } from '@tenant-deletion/contract';
import { gdprDueAt } from '../../common/gdpr-deadline';
import { requestDeletion } from '@tenant-deletion/client';
import { listInstances } from '../../db/service-instances';
import { registryDatabaseUrl } from '../../services/registry/registry-server';
import type { RunningFleet } from '../../services/fleet/fleet';
import {
  config,
  previews,
  seed,
  startE2eFleet,
  startWorkers,
  tableTotals,
  temporalClient,
  topicMessages,
  uniqueTenant,
} from './e2e-stack';

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });

beforeAll(async () => {
  fleet = await startE2eFleet();
  workers = await startWorkers(fleet);
  temporal = await temporalClient();
}, 120_000);
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
  await db.end();
});

describe('a whole-tenant GDPR deletion on the real stack and fleet', () => {
  it('deletes every row of the tenant, keeps the rest, writes the ledger, publishes what the contract schemas allow and erases PII', async () => {
    const tenant = uniqueTenant('gdpr');
    const neighbour = uniqueTenant('neighbour');
    await seed(fleet, tenant, 6_000);
    await seed(fleet, neighbour, 3_000);
    const before = await tableTotals();
    const neighbourBefore = await previews(fleet, neighbour);
    const requestId = `r-${randomUUID()}`;
    // After the seeding: a request made before the tenant was created in the registry would be refused.
    const requestedAt = new Date();

    const handle = await requestDeletion(temporal.client, {
      requestId,
      tenantId: tenant,
      requestedBy: 'admin-e2e',
      traceId: `trace-${randomUUID().slice(0, 8)}`,
      gdprMode: true,
      dryRun: false,
      reason: 'contract-ended',
      requestedAt: requestedAt.toISOString(),
    });
    const result = await handle.result();

    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toHaveLength(13);
    expect(result.instances.every((instance) => instance.status === 'COMPLETED')).toBe(true);
    expect(Object.values(await previews(fleet, tenant)).every((total) => total === 0)).toBe(true);
    expect(await previews(fleet, neighbour)).toEqual(neighbourBefore);

    // Every table lost exactly what the workflow says it deleted there, and nothing else.
    const after = await tableTotals();
    for (const instance of result.instances) {
      for (const [table, deleted] of Object.entries(instance.deletedCounts)) {
        if (table === 'model_files') continue;
        const key = `${instance.serviceInstanceId}/${table}`;
        expect([key, before[key] - after[key]]).toEqual([key, deleted]);
      }
    }
    const untouched = Object.keys(before).filter(
      (key) =>
        !result.instances.some(
          (i) => key.startsWith(`${i.serviceInstanceId}/`) && key.split('/')[1] in i.deletedCounts,
        ),
    );
    for (const key of untouched) expect([key, after[key]]).toEqual([key, before[key]]);

    const ledger = await db.query(
      `SELECT service_instance_id, status, deleted_counts, duration_ms, due_at FROM service_deletion_requests WHERE deletion_request_id = $1`,
      [requestId],
    );
    expect(ledger.rows).toHaveLength(13);
    expect(ledger.rows.every((row) => row.status === 'COMPLETED' && row.duration_ms >= 0)).toBe(true);
    // GDPR: due one month after the request.
    expect(new Set(ledger.rows.map((row) => (row.due_at as Date).toISOString()))).toEqual(
      new Set([gdprDueAt(requestedAt).toISOString()]),
    );
    expect((await listInstances(db, tenant)).every((instance) => instance.status === 'DELETED')).toBe(true);

    const results = await topicMessages(TOPICS.serviceDeletionResult, tenant, 13);
    expect(new Set(results.map((m) => m.value.serviceInstanceId)).size).toBe(13);
    expect(results.every((m) => m.value.requestId === requestId && m.value.status === 'COMPLETED')).toBe(true);
    expect(results.flatMap((m) => serviceDeletionResultSchema.safeParse(m.value).error?.issues ?? [])).toEqual([]);
    const lifecycle = await topicMessages(TOPICS.lifecycleEvents, tenant, 2);
    expect(lifecycle.map((m) => m.value.type).sort()).toEqual(['TENANT_DELETED', 'TENANT_EMPTY']);
    expect(lifecycle.every((m) => m.value.gdprMode === true)).toBe(true);
    expect(lifecycle.flatMap((m) => lifecycleEventSchema.safeParse(m.value).error?.issues ?? [])).toEqual([]);

    const registry = new pg.Pool({ connectionString: registryDatabaseUrl(config.DATABASE_URL), max: 1 });
    try {
      const { rows } = await registry.query(
        'SELECT status, display_name, owner_email, billing_address FROM tenants WHERE tenant_id = $1',
        [tenant],
      );
      expect(rows).toEqual([{ status: 'DELETED', display_name: null, owner_email: null, billing_address: null }]);
      const other = await registry.query('SELECT status FROM tenants WHERE tenant_id = $1', [neighbour]);
      expect(other.rows).toEqual([{ status: 'ACTIVE' }]);
    } finally {
      await registry.end();
    }
  }, 180_000);

  it('refuses a per-instance deletion that an active instance depends on, then accepts them in order', async () => {
    const tenant = uniqueTenant('order');
    await seed(fleet, tenant, 2_000);
    const base = { requestedBy: 'admin-e2e', traceId: 't-order', gdprMode: false, dryRun: false, tenantId: tenant };

    const refused = await (
      await requestDeletion(temporal.client, { ...base, requestId: `r-${randomUUID()}`, instances: ['inventory-1'] })
    ).result();
    expect(refused.status).toBe('REJECTED');
    expect(refused.requests[0].reason).toMatch(/^cannot delete inventory-1: .*\(active\)/);
    expect((await previews(fleet, tenant))['inventory-1']).toBeGreaterThan(0);

    const accepted = await (
      await requestDeletion(temporal.client, {
        ...base,
        requestId: `r-${randomUUID()}`,
        instances: ['forecasting-1', 'training-1'],
      })
    ).result();
    expect(accepted.status).toBe('COMPLETED');
    // A child tells the parent it is done just before it closes, so the order is between the first one's DELETE
    // having answered and the second one starting, not between the two workflows' close and start times.
    const first = await temporal.client.workflow.getHandle(`service-deletion:${tenant}:forecasting-1`).fetchHistory();
    const deleteAnswered = (first.events ?? [])
      .filter((event) => event.activityTaskCompletedEventAttributes)
      .map((event) => Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6));
    expect(deleteAnswered.length).toBeGreaterThan(0);
    const second = await temporal.client.workflow.getHandle(`service-deletion:${tenant}:training-1`).describe();
    expect(second.startTime.getTime()).toBeGreaterThanOrEqual(Math.max(...deleteAnswered));
    const remaining = await previews(fleet, tenant);
    expect([remaining['forecasting-1'], remaining['training-1']]).toEqual([0, 0]);
    expect(remaining['sales-1']).toBeGreaterThan(0);
  }, 120_000);
});
