import type pg from 'pg';
import type { DeletableServiceDefinition } from '../../services/kit/service-definition';

/**
 * A small but realistic service schema for the kit's integration tests: FK chains three levels deep,
 * a self-reference on a direct and on an indirect table, shared rows (city-wide data with no tenant,
 * system templates kept by a predicate), a table of files, an audit log, an excluded cache and an
 * unrelated lookup table.
 */

export const BAKERY_SCHEMA = `
  CREATE TABLE cities (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE customers (id bigserial PRIMARY KEY, tenant_id text NOT NULL, name text NOT NULL);
  CREATE TABLE orders (
    id bigserial PRIMARY KEY, tenant_id text NOT NULL,
    customer_id bigint NOT NULL REFERENCES customers (id), placed_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE order_items (
    id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), product text NOT NULL, quantity int NOT NULL);
  CREATE INDEX ON order_items (order_id);
  CREATE TABLE order_item_notes (
    id bigserial PRIMARY KEY, order_item_id bigint NOT NULL REFERENCES order_items (id), note text NOT NULL);
  CREATE INDEX ON order_item_notes (order_item_id);
  CREATE TABLE note_attachments (
    id bigserial PRIMARY KEY, note_id bigint NOT NULL REFERENCES order_item_notes (id), label text NOT NULL);
  CREATE TABLE order_status_history (
    id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id),
    previous_id bigint REFERENCES order_status_history (id), status text NOT NULL);
  CREATE INDEX ON order_status_history (order_id);
  CREATE INDEX ON order_status_history (previous_id);
  CREATE TABLE categories (
    id bigserial PRIMARY KEY, tenant_id text, parent_id bigint REFERENCES categories (id), name text NOT NULL);
  CREATE INDEX ON categories (parent_id);
  CREATE TABLE products (
    id bigserial PRIMARY KEY, tenant_id text NOT NULL, category_id bigint REFERENCES categories (id), name text NOT NULL);
  CREATE TABLE weather_observations (
    id bigserial PRIMARY KEY, tenant_id text, city_id int NOT NULL REFERENCES cities (id), celsius numeric NOT NULL);
  CREATE TABLE notification_templates (
    id serial PRIMARY KEY, tenant_id text, is_system boolean NOT NULL DEFAULT false, body text NOT NULL);
  CREATE INDEX ON customers (tenant_id);
  CREATE INDEX ON orders (tenant_id);
  CREATE INDEX ON orders (customer_id);
  CREATE INDEX ON note_attachments (note_id);
  CREATE INDEX ON categories (tenant_id);
  CREATE INDEX ON products (tenant_id);
  CREATE INDEX ON products (category_id);
  CREATE TABLE model_files (id bigserial PRIMARY KEY, tenant_id text NOT NULL, path text);
  CREATE TABLE audit_log (
    id bigserial PRIMARY KEY, tenant_id text NOT NULL, action text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE report_cache (tenant_id text NOT NULL, cache_key text NOT NULL, value text NOT NULL);
  INSERT INTO cities (name) VALUES ('Berlin'), ('Madrid');
  INSERT INTO categories (tenant_id, name) VALUES (NULL, 'bread (system)');
  INSERT INTO notification_templates (tenant_id, is_system, body) VALUES (NULL, true, 'system welcome');
`;

export const BAKERY_DEFINITION: DeletableServiceDefinition = {
  serviceType: 'bakery',
  keep: { notification_templates: 'is_system' },
  exclude: { report_cache: 'a derived cache rebuilt from orders on demand; entries expire within an hour' },
  files: [{ table: 'model_files', pathColumn: 'path', countAs: 'model_files_on_disk' }],
  auditTable: 'audit_log',
};

export interface TenantShape {
  customers: number;
  ordersPerCustomer: number;
  itemsPerOrder: number;
}

/** Seeds one tenant with set-based SQL; every order gets a 3-entry status chain and each item a note with an attachment. */
export async function seedTenant(db: pg.Pool, tenantId: string, shape: TenantShape): Promise<void> {
  await db.query(`INSERT INTO customers (tenant_id, name) SELECT $1, 'customer ' || g FROM generate_series(1, $2) g`, [
    tenantId,
    shape.customers,
  ]);
  await db.query(
    `INSERT INTO orders (tenant_id, customer_id)
     SELECT $1, c.id FROM customers c, generate_series(1, $2) WHERE c.tenant_id = $1`,
    [tenantId, shape.ordersPerCustomer],
  );
  await db.query(
    `INSERT INTO order_items (order_id, product, quantity)
     SELECT o.id, 'rye bread', g FROM orders o, generate_series(1, $2) g WHERE o.tenant_id = $1`,
    [tenantId, shape.itemsPerOrder],
  );
  await db.query(
    `INSERT INTO order_item_notes (order_item_id, note)
     SELECT i.id, 'sliced' FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.tenant_id = $1`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO note_attachments (note_id, label)
     SELECT n.id, 'photo' FROM order_item_notes n
       JOIN order_items i ON i.id = n.order_item_id JOIN orders o ON o.id = i.order_id WHERE o.tenant_id = $1`,
    [tenantId],
  );
  for (const status of ['placed', 'baked', 'delivered']) {
    await db.query(
      `INSERT INTO order_status_history (order_id, previous_id, status)
       SELECT o.id, (SELECT max(h.id) FROM order_status_history h WHERE h.order_id = o.id), $2
         FROM orders o WHERE o.tenant_id = $1`,
      [tenantId, status],
    );
  }
  // A three-level category tree of the tenant's own, one more category under the shared system category.
  const root = await db.query<{ id: string }>(
    `INSERT INTO categories (tenant_id, name) VALUES ($1, 'pastry') RETURNING id`,
    [tenantId],
  );
  const child = await db.query<{ id: string }>(
    `INSERT INTO categories (tenant_id, parent_id, name) VALUES ($1, $2, 'croissants') RETURNING id`,
    [tenantId, root.rows[0].id],
  );
  await db.query(`INSERT INTO categories (tenant_id, parent_id, name) VALUES ($1, $2, 'almond croissants')`, [
    tenantId,
    child.rows[0].id,
  ]);
  await db.query(
    `INSERT INTO categories (tenant_id, parent_id, name)
     SELECT $1, id, 'sourdough' FROM categories WHERE tenant_id IS NULL AND name = 'bread (system)'`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO products (tenant_id, category_id, name)
     SELECT $1, id, name || ' product' FROM categories WHERE tenant_id = $1`,
    [tenantId],
  );
  await db.query(`INSERT INTO weather_observations (tenant_id, city_id, celsius) SELECT $1, id, 21.5 FROM cities`, [
    tenantId,
  ]);
  await db.query(`INSERT INTO weather_observations (tenant_id, city_id, celsius) SELECT NULL, id, 19 FROM cities`);
  await db.query(
    `INSERT INTO notification_templates (tenant_id, is_system, body) VALUES ($1, false, 'custom'), ($1, true, 'system copy')`,
    [tenantId],
  );
  await db.query(`INSERT INTO audit_log (tenant_id, action) VALUES ($1, 'seeded')`, [tenantId]);
  await db.query(`INSERT INTO report_cache (tenant_id, cache_key, value) VALUES ($1, 'daily', '42')`, [tenantId]);
}

/** Row counts per table for one tenant, by hand-written joins: an oracle independent of the kit's plan. */
export async function expectedCounts(db: pg.Pool, tenantId: string): Promise<Record<string, number>> {
  const queries: Record<string, string> = {
    customers: 'SELECT count(*) FROM customers WHERE tenant_id = $1',
    orders: 'SELECT count(*) FROM orders WHERE tenant_id = $1',
    order_items: 'SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.tenant_id = $1',
    order_item_notes: `SELECT count(*) FROM order_item_notes n JOIN order_items i ON i.id = n.order_item_id
                         JOIN orders o ON o.id = i.order_id WHERE o.tenant_id = $1`,
    note_attachments: `SELECT count(*) FROM note_attachments a JOIN order_item_notes n ON n.id = a.note_id
                         JOIN order_items i ON i.id = n.order_item_id JOIN orders o ON o.id = i.order_id WHERE o.tenant_id = $1`,
    order_status_history:
      'SELECT count(*) FROM order_status_history h JOIN orders o ON o.id = h.order_id WHERE o.tenant_id = $1',
    categories: 'SELECT count(*) FROM categories WHERE tenant_id = $1',
    products: 'SELECT count(*) FROM products WHERE tenant_id = $1',
    weather_observations: 'SELECT count(*) FROM weather_observations WHERE tenant_id = $1',
    notification_templates: 'SELECT count(*) FROM notification_templates WHERE tenant_id = $1 AND NOT is_system',
    model_files: 'SELECT count(*) FROM model_files WHERE tenant_id = $1',
    audit_log: 'SELECT count(*) FROM audit_log WHERE tenant_id = $1',
  };
  const counts: Record<string, number> = {};
  for (const [table, sql] of Object.entries(queries)) {
    counts[table] = Number((await db.query<{ count: string }>(sql, [tenantId])).rows[0].count);
  }
  return counts;
}

/** Every row of every table, to show what a deletion left untouched. */
export async function tableSizes(db: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<{ relname: string }>(
    "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind = 'r' AND relname NOT LIKE 'kit\\_%'",
  );
  const sizes: Record<string, number> = {};
  for (const { relname } of rows) {
    const result = await db.query<{ count: string }>(`SELECT count(*) FROM "${relname}"`);
    sizes[relname] = Number(result.rows[0].count);
  }
  return sizes;
}
