/**
 * Needs the local stack's PostgreSQL: the orders service's schema in a throwaway database, changed the
 * way a careless migration would change it, must stop the kit from starting the service.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { migrate } from '@tenant-deletion/kit';
import { KitCoverageError } from '../../services/kit/coverage-guard';
import { startDeletableService } from '../../services/kit/deletable-service';
import { KitPlanError } from '../../services/kit/deletion-plan';
import { instanceDatabaseUrl, prepareInstanceDatabase } from '../../services/fleet/fleet-databases';
import { fleetService } from '../../services/fleet/fleet-services';
import { definition } from '../../services/fleet/orders/definition';
import { fleetTokens, serverUrl, TEST_INSTANCES } from './test-fleet';

const orders = {
  ...TEST_INSTANCES.find((instance) => instance.serviceType === 'orders')!,
  database: `test_fleet_guard_${randomUUID().slice(0, 8)}`,
};
const databaseUrl = instanceDatabaseUrl(serverUrl, orders);
let db: pg.Pool;

beforeAll(async () => {
  await prepareInstanceDatabase(serverUrl, orders);
  db = new pg.Pool({ connectionString: databaseUrl });
});

afterAll(async () => {
  await db?.end();
  const admin = new pg.Client({ connectionString: instanceDatabaseUrl(serverUrl, { database: 'postgres' }) });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(orders.database)}`);
  await admin.end();
});

const start = async (withDefinition = definition) =>
  startDeletableService({
    definition: withDefinition,
    databaseUrl,
    port: 0,
    tokens: (await fleetTokens()).services,
    logger: pino({ level: 'silent' }),
  });

test('the orders schema as migrated starts', async () => {
  const service = await start();
  await service.close();
  // Nothing pending: the database is exactly the migrated schema the fleet runs on.
  await expect(migrate(databaseUrl, { dir: fleetService('orders').migrationsDir })).resolves.toEqual([]);
});

test('excluding a table that other tenant data hangs off is refused, naming the tables', async () => {
  const careless = { ...definition, exclude: { order_items: 'kept for the tax office (10 years)' } };
  const refusal = start(careless);
  await expect(refusal).rejects.toThrow(KitCoverageError);
  await expect(refusal).rejects.toThrow(/order_item_customizations/);
  await expect(refusal).rejects.toThrow(/excluded table "order_items" references planned table "orders"/);
});

test('a migration that makes two tenant tables reference each other is refused, naming the cycle', async () => {
  await db.query('ALTER TABLE customers ADD COLUMN first_order_id uuid REFERENCES orders (id)');
  const refusal = start();
  await expect(refusal).rejects.toThrow(KitPlanError);
  await expect(refusal).rejects.toThrow(/cycle between different tables: .*customers -> orders/);
});
