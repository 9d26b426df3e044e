/**
 * Needs the local stack's PostgreSQL: migrates every fleet service type's schema (in test_fleet_*
 * databases) and checks, through pg_catalog, the shape the orchestrator's tests rely on: enough tables,
 * foreign keys several levels deep through tables without tenant_id, a self-reference, an audit log per
 * service, and indexes under every foreign key so that deletions stay fast.
 */
import type pg from 'pg';
import { prepareInstanceDatabase } from '../../services/fleet/fleet-databases';
import { instancePool, serverUrl, TEST_INSTANCES } from './test-fleet';

/** One instance per service type: pos-2 has the same schema as pos-1. */
const serviceTypes = TEST_INSTANCES.filter(
  (instance, i) => TEST_INSTANCES.findIndex((other) => other.serviceType === instance.serviceType) === i,
);
const pools = new Map<string, pg.Pool>();

/** Tables shared across tenants, whose tenant_id may be NULL. */
const SHARED_TENANT_COLUMNS = ['external.weather_data', 'external.traffic_data', 'notification.notification_templates'];

beforeAll(async () => {
  for (const instance of serviceTypes) {
    await prepareInstanceDatabase(serverUrl, instance);
    pools.set(instance.serviceType, instancePool(instance));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...pools.values()].map((pool) => pool.end()));
});

async function eachService<T>(query: (db: pg.Pool) => Promise<T>): Promise<[string, T][]> {
  const results: [string, T][] = [];
  for (const [serviceType, db] of pools) results.push([serviceType, await query(db)]);
  return results;
}

const SERVICE_TABLES = `
  SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'pgmigrations' AND c.relname NOT LIKE 'kit\\_%'`;

test('twelve service types with at least 60 tables between them', async () => {
  const counts = await eachService(async (db) => (await db.query(SERVICE_TABLES)).rowCount ?? 0);
  expect(counts).toHaveLength(12);
  expect(counts.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThanOrEqual(60);
});

test('at least one table references itself', async () => {
  const selfReferences = await eachService(async (db) => {
    const { rows } = await db.query<{ name: string }>(
      `SELECT c.relname || '.' || con.conname AS name FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.contype = 'f' AND con.conrelid = con.confrelid`,
    );
    return rows.map((row) => row.name);
  });
  expect(selfReferences.flatMap(([, names]) => names)).toEqual(
    expect.arrayContaining(['products.products_parent_product_id_fkey', 'recipes.recipes_based_on_recipe_id_fkey']),
  );
});

test('foreign key chains run three levels deep, through child tables that carry no tenant_id', async () => {
  // Walks from each table without tenant_id up its foreign keys while the parent has no tenant_id either,
  // and reports the chains that end at a table with tenant_id.
  const chains = await eachService(async (db) => {
    const { rows } = await db.query<{ chain: string[] }>(
      `WITH RECURSIVE
         tenant_tables AS (SELECT attrelid AS oid FROM pg_attribute WHERE attname = 'tenant_id' AND NOT attisdropped),
         edges AS (SELECT conrelid AS child, confrelid AS parent FROM pg_constraint
                    WHERE contype = 'f' AND conrelid <> confrelid),
         walk(top, chain) AS (
           SELECT e.parent, ARRAY[e.child::regclass::text, e.parent::regclass::text]
             FROM edges e WHERE e.child NOT IN (SELECT oid FROM tenant_tables)
           UNION ALL
           SELECT e.parent, w.chain || e.parent::regclass::text
             FROM walk w JOIN edges e ON e.child = w.top
            WHERE w.top NOT IN (SELECT oid FROM tenant_tables) AND cardinality(w.chain) < 10)
       SELECT chain FROM walk WHERE top IN (SELECT oid FROM tenant_tables) AND cardinality(chain) >= 3`,
    );
    return rows.map((row) => row.chain.join(' -> '));
  });
  const all = chains.flatMap(([, found]) => found);
  expect(all).toEqual(
    expect.arrayContaining([
      'order_item_customizations -> order_items -> orders',
      'stock_movements -> stock_batches -> products',
      'quality_check_defects -> quality_checks -> production_runs',
      'webhook_deliveries -> webhooks -> pos_configurations',
    ]),
  );
  expect(chains.filter(([, found]) => found.length > 0).length).toBeGreaterThanOrEqual(4);
});

test('every service has an audit_log (id, tenant_id, action, created_at)', async () => {
  const columns = await eachService(async (db) => {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_log' ORDER BY ordinal_position`,
    );
    return rows.map((row) => row.column_name);
  });
  for (const [serviceType, found] of columns) {
    expect([serviceType, found]).toEqual([serviceType, ['id', 'tenant_id', 'action', 'created_at']]);
  }
});

test('tenant_id is text NOT NULL except in the tables holding shared rows', async () => {
  const columns = await eachService(async (db) => {
    const { rows } = await db.query<{ table_name: string; data_type: string; is_nullable: string }>(
      `SELECT table_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name NOT LIKE 'kit\\_%'`,
    );
    return rows;
  });
  for (const [serviceType, rows] of columns) {
    for (const row of rows) {
      const name = `${serviceType}.${row.table_name}`;
      const nullable = SHARED_TENANT_COLUMNS.includes(name) ? 'YES' : 'NO';
      expect([name, row.data_type, row.is_nullable]).toEqual([name, 'text', nullable]);
    }
  }
});

test('every primary key is a uuid or a bigint, and every foreign key has an index under it', async () => {
  const problems = await eachService(async (db) => {
    const keys = await db.query<{ name: string; type: string }>(
      `SELECT c.relname || '.' || a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
        WHERE con.contype = 'p' AND c.relname <> 'pgmigrations' AND c.relname NOT LIKE 'kit\\_%'`,
    );
    const unindexed = await db.query<{ name: string }>(
      `SELECT c.relname || '.' || con.conname AS name
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.contype = 'f' AND NOT EXISTS (
          SELECT 1 FROM pg_index i WHERE i.indrelid = con.conrelid
             AND (i.indkey::int2[])[0:cardinality(con.conkey) - 1] = con.conkey)`,
    );
    return [
      ...keys.rows.filter((key) => !['uuid', 'bigint'].includes(key.type)).map((key) => `${key.name} is ${key.type}`),
      ...unindexed.rows.map((row) => `${row.name} has no index`),
    ];
  });
  expect(problems.filter(([, found]) => found.length > 0)).toEqual([]);
});
