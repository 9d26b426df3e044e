/**
 * Needs the local stack's PostgreSQL: starts the whole fleet (the tenant registry and all thirteen
 * instances, on free ports, in test_fleet_* databases), seeds two tenants with the seeder and deletes
 * one of them from every instance over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { listInstances } from '../../db/service-instances';
import type { RunningFleet } from '../../services/fleet/fleet';
import { createRegistryTenant } from '../../services/fleet/seed/registry-tenant';
import type { SeedTenantOptions, SeedTenantResult } from '../../services/fleet/seed/seed-tenant';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import {
  call,
  directCount,
  instancePool,
  adminSigner,
  startTestFleet,
  serverUrl,
  tableTotals,
  tenantColumnTables,
  TEST_INSTANCES,
  uniqueTenant,
} from './test-fleet';
import { inventoryWriter } from '../../db/inventory-writer';

const RECORDS = 2000;
const tenantA = uniqueTenant('a');
const tenantB = uniqueTenant('b');

let fleet: RunningFleet;
let fileRoot: string;
let seedOptions: Omit<SeedTenantOptions, 'tenantId' | 'records'>;
let seededA: SeedTenantResult;
let seededB: SeedTenantResult;
const pools = new Map<string, pg.Pool>();
/** Rows per table of every instance once both tenants are seeded. */
const totalsBefore = new Map<string, Record<string, number>>();

const instanceOf = (id: string) => TEST_INSTANCES.find((instance) => instance.serviceInstanceId === id)!;
const baseUrlOf = (id: string) => fleet.instances.find((instance) => instance.serviceInstanceId === id)!.baseUrl;
const seededTables = (result: SeedTenantResult, id: string) =>
  result.instances.find((instance) => instance.serviceInstanceId === id)!.tables;

async function filesUnder(directory: string): Promise<string[]> {
  try {
    const entries = await readdir(directory, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

beforeAll(async () => {
  const started = await startTestFleet('fleet-files-');
  ({ fleet, fileRoot } = started);
  const { fileRootOf } = started;
  seedOptions = {
    databaseUrl: serverUrl,
    inventory: inventoryWriter(serverUrl),
    instances: TEST_INSTANCES,
    registry: { url: fleet.registryUrl, signer: await adminSigner() },
    fileRoot: fileRootOf,
    baseUrls: Object.fromEntries(fleet.instances.map((instance) => [instance.serviceInstanceId, instance.baseUrl])),
  };
  seededA = await seedTenant({ ...seedOptions, tenantId: tenantA, records: RECORDS });
  seededB = await seedTenant({ ...seedOptions, tenantId: tenantB, records: RECORDS });
  for (const instance of TEST_INSTANCES) {
    const pool = instancePool(instance);
    pools.set(instance.serviceInstanceId, pool);
    totalsBefore.set(instance.serviceInstanceId, await tableTotals(pool));
  }
}, 180_000);

afterAll(async () => {
  // Tenant B stays seeded through the tests; removing it keeps the test databases from growing run after run.
  if (fleet) {
    for (const instance of fleet.instances) {
      await call('DELETE', `${instance.baseUrl}/tenant/${tenantB}`, instance.serviceType);
    }
    for (const tenant of [tenantA, tenantB]) {
      await call('DELETE', `${fleet.registryUrl}/tenants/${tenant}?erasePii=true`, 'tenant-registry');
    }
    const db = new pg.Client({ connectionString: serverUrl });
    await db.connect();
    await db.query('DELETE FROM service_instances WHERE tenant_id = ANY($1)', [[tenantA, tenantB]]);
    await db.end();
  }
  await Promise.all([...pools.values()].map((pool) => pool.end()));
  await fleet?.close();
  if (fileRoot) await rm(fileRoot, { recursive: true, force: true });
});

describe('the seeder', () => {
  test('spreads the records by topology weight: pos and sales largest, recipes and external smallest', () => {
    expect(Math.abs(seededA.records - RECORDS) / RECORDS).toBeLessThan(0.03);
    const byType = new Map<string, number>();
    for (const instance of seededA.instances) {
      byType.set(instance.serviceType, (byType.get(instance.serviceType) ?? 0) + instance.records);
      const share = instanceOf(instance.serviceInstanceId).weight / 100;
      expect(Math.abs(instance.records - RECORDS * share)).toBeLessThanOrEqual(RECORDS * share * 0.05 + 6);
    }
    const ranked = [...byType].sort((a, b) => b[1] - a[1]).map(([type]) => type);
    expect(ranked.slice(0, 2).sort()).toEqual(['pos', 'sales']);
    expect(ranked.slice(-2).sort()).toEqual(['external', 'recipes']);
  });

  test('fills every table of every instance, and writes the training model files', async () => {
    for (const instance of seededA.instances) {
      // weather_stations holds shared rows only.
      const tables = Object.keys(totalsBefore.get(instance.serviceInstanceId)!).filter((t) => t !== 'weather_stations');
      const empty = tables.filter((table) => !(instance.tables[table] > 0));
      expect([instance.serviceInstanceId, empty]).toEqual([instance.serviceInstanceId, []]);
    }
    const training = seededA.instances.find((instance) => instance.serviceType === 'training')!;
    expect(training.files).toBe(training.tables.model_artifacts);
    expect(await filesUnder(path.join(fileRoot, 'training', tenantA))).toHaveLength(training.files);
  });

  test("registers the tenant's thirteen instances in the inventory with the topology's dependencies", async () => {
    const db = new pg.Client({ connectionString: serverUrl });
    await db.connect();
    try {
      const listed = await listInstances(db, tenantA);
      expect(listed).toHaveLength(TEST_INSTANCES.length);
      for (const instance of listed) {
        expect(instance.status).toBe('ACTIVE');
        expect(instance.baseUrl).toBe(baseUrlOf(instance.serviceInstanceId));
        expect([...instance.dependsOn].sort()).toEqual([...instanceOf(instance.serviceInstanceId).dependsOn].sort());
      }
    } finally {
      await db.end();
    }
  });

  test("seeding a tenant again adds rows beside the first run's", async () => {
    const tenant = uniqueTenant('again');
    const orders = instanceOf('orders-1');
    const options = { ...seedOptions, instances: [orders], registry: undefined, inventory: undefined };
    const first = await seedTenant({ ...options, tenantId: tenant, records: 500 });
    const second = await seedTenant({ ...options, tenantId: tenant, records: 500 });
    expect(second.runId).not.toBe(first.runId);
    const db = pools.get('orders-1')!;
    expect(await directCount(db, 'orders', tenant)).toBe(
      seededTables(first, 'orders-1').orders + seededTables(second, 'orders-1').orders,
    );
    const preview = await call('GET', `${baseUrlOf('orders-1')}/tenant/${tenant}/deletion-preview`, 'orders');
    expect(preview.body.total).toBe(first.records + second.records);
    // So that this tenant does not disturb the table totals the deletion tests compare.
    expect((await call('DELETE', `${baseUrlOf('orders-1')}/tenant/${tenant}`, 'orders')).status).toBe(200);
  });
});

describe.each(TEST_INSTANCES.map((instance) => [instance.serviceInstanceId, instance] as const))(
  'deleting a tenant from %s',
  (id, instance) => {
    test("removes exactly the tenant's rows: preview counts, DELETE deletes them, another tenant and shared rows stay", async () => {
      const base = baseUrlOf(id);
      const db = pools.get(id)!;
      const seededRows = seededTables(seededA, id);
      const seededFiles = seededA.instances.find((i) => i.serviceInstanceId === id)!.files;

      const preview = await call('GET', `${base}/tenant/${tenantA}/deletion-preview`, instance.serviceType);
      expect(preview.status).toBe(200);
      const counts = preview.body.counts as Record<string, number>;
      const expected: Record<string, number> = { ...seededRows };
      if (instance.serviceType === 'training') expected.model_files = seededFiles;
      expect(counts).toEqual(expected);
      const previewB = await call('GET', `${base}/tenant/${tenantB}/deletion-preview`, instance.serviceType);

      const deleted = await call('DELETE', `${base}/tenant/${tenantA}`, instance.serviceType, undefined, {
        'idempotency-key': randomUUID(),
        'x-trace-id': `fleet-test-${id}`,
      });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ tenant_id: tenantA, service_name: instance.serviceType, success: true });
      expect(deleted.body.deleted_counts).toEqual(counts);

      const after = await call('GET', `${base}/tenant/${tenantA}/deletion-preview`, instance.serviceType);
      expect(after.body.total).toBe(0);
      for (const table of await tenantColumnTables(db)) {
        expect([table, await directCount(db, table, tenantA)]).toEqual([table, 0]);
        expect([table, await directCount(db, table, tenantB)]).toEqual([table, seededTables(seededB, id)[table] ?? 0]);
      }
      // Every table lost exactly the tenant's rows, so nothing of tenant B or the shared rows went with them.
      const totalsAfter = await tableTotals(db);
      const before = totalsBefore.get(id)!;
      for (const table of Object.keys(before)) {
        expect([table, totalsAfter[table]]).toEqual([table, before[table] - (seededRows[table] ?? 0)]);
      }
      expect(
        (await call('GET', `${base}/tenant/${tenantB}/deletion-preview`, instance.serviceType)).body.counts,
      ).toEqual(previewB.body.counts);

      const repeat = await call('DELETE', `${base}/tenant/${tenantA}`, instance.serviceType);
      expect(repeat.status).toBe(200);
      expect(Object.values(repeat.body.deleted_counts as Record<string, number>).every((n) => n === 0)).toBe(true);
    });
  },
);

describe('what deleting a tenant leaves alone', () => {
  test("training's model files of the deleted tenant are gone from disk; the other tenant's stay", async () => {
    const trainingB = seededB.instances.find((instance) => instance.serviceType === 'training')!;
    expect(await filesUnder(path.join(fileRoot, 'training', tenantA))).toEqual([]);
    expect(await filesUnder(path.join(fileRoot, 'training', tenantB))).toHaveLength(trainingB.files);
  });

  test('city-wide weather and traffic rows and the system notification templates are kept', async () => {
    const count = async (id: string, sql: string) => Number((await pools.get(id)!.query<{ n: string }>(sql)).rows[0].n);
    expect(await count('external-1', 'SELECT count(*) AS n FROM weather_data WHERE tenant_id IS NULL')).toBeGreaterThan(
      0,
    );
    expect(await count('external-1', 'SELECT count(*) AS n FROM traffic_data WHERE tenant_id IS NULL')).toBeGreaterThan(
      0,
    );
    expect(await count('notification-1', 'SELECT count(*) AS n FROM notification_templates WHERE is_system')).toBe(6);
    expect(
      await count(
        'notification-1',
        'SELECT count(*) AS n FROM template_translations t JOIN notification_templates s ON s.id = t.template_id WHERE s.is_system',
      ),
    ).toBe(18);
  });
});

describe('the write guard', () => {
  test('refuses a write for a tenant the registry has suspended (423) and takes one for an active tenant', async () => {
    const orders = baseUrlOf('orders-1');
    const suspended = await call('POST', `${fleet.registryUrl}/tenants/${tenantB}/suspend`, 'tenant-registry');
    expect(suspended.status).toBe(200);
    const auditRowsB = await directCount(pools.get('orders-1')!, 'audit_log', tenantB);

    const refused = await call('POST', `${orders}/tenant/${tenantB}/audit-events`, 'orders', {
      action: 'order.created',
    });
    expect(refused.status).toBe(423);
    expect(await directCount(pools.get('orders-1')!, 'audit_log', tenantB)).toBe(auditRowsB);

    const active = uniqueTenant('active');
    await createRegistryTenant(fleet.registryUrl, await adminSigner(), active);
    const taken = await call('POST', `${orders}/tenant/${active}/audit-events`, 'orders', { action: 'order.created' });
    expect(taken.status).toBe(201);
    expect(await directCount(pools.get('orders-1')!, 'audit_log', active)).toBe(1);
    await call('DELETE', `${orders}/tenant/${active}`, 'orders');
    await call('DELETE', `${fleet.registryUrl}/tenants/${active}?erasePii=true`, 'tenant-registry');
  });
});
