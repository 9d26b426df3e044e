/**
 * Needs the local stack's PostgreSQL with the orchestrator's migrations applied (`npm run stack:up`).
 * Each run uses its own tenant ids and removes its rows afterwards.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { serviceInstanceSchema } from '@tenant-deletion/contract';
import {
  InvalidTenantIdError,
  InventoryValidationError,
  listInstances,
  setInstanceStatus,
  tenantExists,
  upsertInstances,
  type ServiceInstanceInput,
} from '../../db/service-instances';

const run = `inv-test-${randomUUID().slice(0, 8)}`;
let tenantCount = 0;
function newTenant(): string {
  tenantCount += 1;
  return `${run}-${tenantCount}`;
}

const orders: ServiceInstanceInput = {
  serviceInstanceId: 'orders-1',
  serviceType: 'orders',
  baseUrl: 'http://localhost:8101/api/v1/orders',
  dependsOn: ['inventory-1'],
  status: 'ACTIVE',
};
const inventory: ServiceInstanceInput = {
  serviceInstanceId: 'inventory-1',
  serviceType: 'inventory',
  baseUrl: 'https://inventory.example.com/api/v1/inventory',
};

async function refusal(promise: Promise<unknown>): Promise<InventoryValidationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InventoryValidationError);
  return error as InventoryValidationError;
}

describe('service inventory (PostgreSQL tenant_deletion.service_instances)', () => {
  const pool = new pg.Pool({ connectionString: loadConfig().DATABASE_URL });

  afterAll(async () => {
    await pool.query(`DELETE FROM service_instances WHERE tenant_id LIKE $1`, [`${run}-%`]);
    await pool.end();
  });

  it('round-trips a tenant in the contract shape, ordered by id, with defaults filled in', async () => {
    const tenant = newTenant();
    expect(await tenantExists(pool, tenant)).toBe(false);
    expect(await upsertInstances(pool, tenant, [orders, inventory])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await tenantExists(pool, tenant)).toBe(true);
    expect(await listInstances(pool, tenant)).toEqual([
      { ...inventory, dependsOn: [], status: 'ACTIVE' },
      { ...orders, status: 'ACTIVE' },
    ]);
    expect(await listInstances(pool, newTenant())).toEqual([]);
  });

  it('updates on re-import and leaves unchanged rows alone', async () => {
    const tenant = newTenant();
    await upsertInstances(pool, tenant, [orders, inventory]);
    const before = await pool.query(
      'SELECT service_instance_id, updated_at FROM service_instances WHERE tenant_id = $1 ORDER BY 1',
      [tenant],
    );
    const moved = { ...orders, baseUrl: 'http://orders.internal:9000/api/v1/orders', dependsOn: [] };
    expect(await upsertInstances(pool, tenant, [moved, inventory])).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    const after = await pool.query(
      'SELECT service_instance_id, updated_at FROM service_instances WHERE tenant_id = $1 ORDER BY 1',
      [tenant],
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
    expect(after.rows[1].updated_at.getTime()).toBeGreaterThan(before.rows[1].updated_at.getTime());
    const listed = await listInstances(pool, tenant);
    expect(listed.find((instance) => instance.serviceInstanceId === 'orders-1')).toEqual({
      ...moved,
      status: 'ACTIVE',
    });
  });

  it('accepts a dependency on an instance already on record', async () => {
    const tenant = newTenant();
    await upsertInstances(pool, tenant, [inventory]);
    await upsertInstances(pool, tenant, [orders]);
    expect((await listInstances(pool, tenant)).map((instance) => instance.serviceInstanceId)).toEqual([
      'inventory-1',
      'orders-1',
    ]);
  });

  it('changes an instance status and says when there is no such instance', async () => {
    const tenant = newTenant();
    await upsertInstances(pool, tenant, [inventory]);
    expect(await setInstanceStatus(pool, tenant, 'inventory-1', 'DELETING')).toBe(true);
    expect(await setInstanceStatus(pool, tenant, 'inventory-1', 'DELETED')).toBe(true);
    expect((await listInstances(pool, tenant))[0].status).toBe('DELETED');
    expect(await setInstanceStatus(pool, tenant, 'no-such-instance', 'DELETED')).toBe(false);
    expect(await setInstanceStatus(pool, newTenant(), 'inventory-1', 'DELETED')).toBe(false);
  });

  it('lists every problem per row and writes nothing of a refused batch', async () => {
    const tenant = newTenant();
    const error = await refusal(
      upsertInstances(pool, tenant, [
        inventory,
        { ...orders, serviceType: 'Orders', baseUrl: 'ftp://orders' },
        { serviceInstanceId: 'bad id!', serviceType: 'pos', baseUrl: 'http://pos' },
        { ...inventory, status: 'GONE' },
        null,
      ]),
    );
    expect(error.tenantId).toBe(tenant);
    expect(error.rows.map((row) => [row.index, row.serviceInstanceId])).toEqual([
      [1, 'orders-1'],
      [2, undefined],
      [3, 'inventory-1'],
      [4, undefined],
    ]);
    expect(error.rows[0].problems).toEqual([
      expect.stringMatching(/^serviceType: must be 1-50 characters/),
      expect.stringMatching(/^baseUrl: must be an http/),
    ]);
    expect(error.rows[1].problems).toEqual([expect.stringMatching(/^serviceInstanceId: must be 1-64 characters/)]);
    expect(error.rows[2].problems).toEqual([expect.stringMatching(/^status: /)]);
    expect(error.message).toContain(`inventory for tenant ${tenant} refused`);
    expect(await tenantExists(pool, tenant)).toBe(false);
  });

  it('refuses unknown, self and repeated dependencies, and duplicate ids', async () => {
    const tenant = newTenant();
    const error = await refusal(
      upsertInstances(pool, tenant, [
        { ...orders, dependsOn: ['inventory-1', 'recipes-1'] },
        { ...inventory, dependsOn: ['inventory-1'] },
        { ...inventory, serviceInstanceId: 'pos-1', dependsOn: ['orders-1', 'orders-1'] },
        orders,
      ]),
    );
    expect(error.rows).toEqual([
      {
        index: 0,
        serviceInstanceId: 'orders-1',
        problems: [expect.stringMatching(/dependsOn names recipes-1, which/)],
      },
      { index: 1, serviceInstanceId: 'inventory-1', problems: ['dependsOn: an instance cannot depend on itself'] },
      { index: 2, serviceInstanceId: 'pos-1', problems: ['dependsOn lists orders-1 more than once'] },
      { index: 3, serviceInstanceId: 'orders-1', problems: ['serviceInstanceId orders-1 appears twice in the batch'] },
    ]);
    expect(await tenantExists(pool, tenant)).toBe(false);
  });

  it("does not let one tenant's instances satisfy another tenant's dependency", async () => {
    const first = newTenant();
    await upsertInstances(pool, first, [inventory]);
    const error = await refusal(upsertInstances(pool, newTenant(), [orders]));
    expect(error.rows[0].problems).toEqual([expect.stringMatching(/dependsOn names inventory-1/)]);
  });

  it('refuses a tenant id that breaks the identifier rule', async () => {
    await expect(upsertInstances(pool, "x'; DROP TABLE service_instances; --", [inventory])).rejects.toThrow(
      InvalidTenantIdError,
    );
    await expect(listInstances(pool, '')).rejects.toThrow(InvalidTenantIdError);
  });

  it('parses the contract JSON shape with the schema', () => {
    expect(serviceInstanceSchema.parse(inventory)).toEqual({ ...inventory, dependsOn: [], status: 'ACTIVE' });
    expect(serviceInstanceSchema.safeParse({ ...inventory, baseUrl: 'not a url' }).success).toBe(false);
  });

  describe('the migration', () => {
    const insert = (tenant: string, id: string, extra: { status?: string; dependsOn?: string[] } = {}) =>
      pool.query(
        `INSERT INTO service_instances (tenant_id, service_instance_id, service_type, base_url, depends_on, status)
         VALUES ($1, $2, 'orders', 'http://localhost:8101', $3, $4)`,
        [tenant, id, extra.dependsOn ?? [], extra.status ?? 'ACTIVE'],
      );

    it('keys the table by (tenant_id, service_instance_id)', async () => {
      const { rows } = await pool.query(
        `SELECT a.attname FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
          WHERE i.indrelid = 'service_instances'::regclass AND i.indisprimary
          ORDER BY array_position(i.indkey, a.attnum)`,
      );
      expect(rows.map((row) => row.attname)).toEqual(['tenant_id', 'service_instance_id']);
      const tenant = newTenant();
      await insert(tenant, 'orders-1');
      await expect(insert(tenant, 'orders-1')).rejects.toThrow(/service_instances_pkey/);
      await insert(newTenant(), 'orders-1');
    });

    it('defaults depends_on to empty and status to ACTIVE', async () => {
      const tenant = newTenant();
      await pool.query(
        `INSERT INTO service_instances (tenant_id, service_instance_id, service_type, base_url)
         VALUES ($1, 'x-1', 'orders', 'http://localhost:8101')`,
        [tenant],
      );
      const { rows } = await pool.query(
        'SELECT depends_on, status, updated_at FROM service_instances WHERE tenant_id = $1',
        [tenant],
      );
      expect(rows[0]).toEqual({ depends_on: [], status: 'ACTIVE', updated_at: expect.any(Date) });
    });

    it('refuses a status outside the contract and a self-dependency', async () => {
      await expect(insert(newTenant(), 'orders-1', { status: 'DONE' })).rejects.toThrow(
        /service_instances_status_check/,
      );
      await expect(insert(newTenant(), 'orders-1', { dependsOn: ['orders-1'] })).rejects.toThrow(
        /service_instances_depends_on_check/,
      );
    });
  });
});
