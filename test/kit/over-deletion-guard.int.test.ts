/**
 * Needs the local stack's PostgreSQL: throwaway databases on which a kit service must refuse to start
 * when a deletion could take rows that are not the tenant's (a citext or case-insensitive tenant column,
 * an undeclared ON DELETE CASCADE, a table two tenants' paths reach), or start and delete exactly the
 * tenant's rows: in a second schema too, never a row another tenant's path reaches.
 */
import type { DeletionBody, ErrorBody, PreviewBody } from '@tenant-deletion/contract';
import type { DeletableServiceDefinition } from '../../services/kit/service-definition';
import { startDeletableService, type KitOptions } from '../../services/kit/deletable-service';
import { KitOverDeletionError } from '../../services/kit/over-deletion-guard';
import { kitClient } from './kit-http';
import { testTokens } from './test-tokens';
import { kitOptions, startupError } from './kit-startup';
import { throwawayDatabases, type TestDatabase } from './kit-test-db';

const tokens = testTokens();
const call = kitClient(tokens, 'stock');
const database = throwawayDatabases();
/** One transaction, and batches of one row, each committed on its own. */
const MODES: [string, Partial<KitOptions>][] = [
  ['in one transaction', {}],
  ['in batches', { singleTransactionMaxRows: 0, batchSize: 1 }],
];

function options(
  db: TestDatabase,
  definition: Partial<DeletableServiceDefinition> = {},
  extra: Partial<KitOptions> = {},
): KitOptions {
  return kitOptions(db, tokens, { serviceType: 'stock', ...definition }, extra);
}

async function rowsOf(db: TestDatabase, sql: string): Promise<unknown[]> {
  return (await db.pool.query(sql)).rows;
}

describe('the tenant column', () => {
  it('refuses to start on a citext tenant column, naming the table and saying it compares case-insensitively', async () => {
    const db = await database(`
      CREATE EXTENSION IF NOT EXISTS citext;
      CREATE TABLE accounts (id bigserial PRIMARY KEY, tenant_id citext NOT NULL);
    `);
    const error = await startupError(options(db));
    expect(error).toBeInstanceOf(KitOverDeletionError);
    expect(error.message).toContain('table "accounts": its tenant column "tenant_id" is citext');
    expect(error.message).toContain('compares case-insensitively');
  });

  it('refuses to start on a tenant column with a nondeterministic ICU collation, naming the collation', async () => {
    const db = await database(`
      CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
      CREATE TABLE accounts (id bigserial PRIMARY KEY, tenant_id text COLLATE case_insensitive NOT NULL);
    `);
    const error = await startupError(options(db));
    expect(error).toBeInstanceOf(KitOverDeletionError);
    expect(error.message).toContain(
      'table "accounts": its tenant column "tenant_id" has the nondeterministic collation',
    );
    expect(error.message).toContain('"case_insensitive"');
  });

  it('starts on a uuid tenant column and a varchar one with the "C" collation', async () => {
    const db = await database(`
      CREATE TABLE accounts (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL);
      CREATE TABLE notes (id bigserial PRIMARY KEY, tenant_id varchar(64) COLLATE "C" NOT NULL);
    `);
    const service = await startDeletableService(options(db));
    await service.close();
  });
});

describe('ON DELETE CASCADE', () => {
  const SCHEMA = `
    CREATE TABLE orders (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
    CREATE TABLE order_notes (
      id bigserial PRIMARY KEY,
      order_id bigint NOT NULL CONSTRAINT order_notes_order_fk REFERENCES orders (id) ON DELETE CASCADE);
  `;

  it('refuses to start on an undeclared CASCADE foreign key into a deleted table, naming the constraint', async () => {
    const db = await database(SCHEMA);
    const error = await startupError(options(db));
    expect(error).toBeInstanceOf(KitOverDeletionError);
    expect(error.message).toContain(
      'foreign key order_notes_order_fk of table "order_notes" is ON DELETE CASCADE into "orders"',
    );
  });

  it('starts with the CASCADE declared in plannedCascades and counts the rows it reaches, in preview and DELETE', async () => {
    const db = await database(`${SCHEMA}
      INSERT INTO orders (tenant_id) VALUES ('acme'), ('other');
      INSERT INTO order_notes (order_id) SELECT id FROM orders, generate_series(1, 3);
    `);
    const service = await startDeletableService(
      options(db, { plannedCascades: [{ table: 'order_notes', foreignKey: 'order_notes_order_fk' }] }),
    );
    try {
      const preview = await call<PreviewBody>('GET', `${service.baseUrl}/tenant/acme/deletion-preview`);
      expect(preview.body.counts).toEqual({ orders: 1, order_notes: 3 });
      const deleted = await call<DeletionBody>('DELETE', `${service.baseUrl}/tenant/acme`);
      expect(deleted.body.deleted_counts).toEqual({ orders: 1, order_notes: 3 });
      expect(await rowsOf(db, 'SELECT count(*)::int AS n FROM order_notes')).toEqual([{ n: 3 }]);
    } finally {
      await service.close();
    }
  });
});

describe('a second schema', () => {
  // The same table name in both schemas: only schema-qualified statements tell them apart.
  const SCHEMA = `
    CREATE SCHEMA billing;
    CREATE TABLE invoices (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
    CREATE TABLE billing.invoices (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
    CREATE TABLE billing.invoice_lines (
      id bigserial PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES billing.invoices (id));
    INSERT INTO invoices (tenant_id) VALUES ('acme'), ('other');
    INSERT INTO billing.invoices (tenant_id) VALUES ('acme'), ('acme'), ('other');
    INSERT INTO billing.invoice_lines (invoice_id) SELECT id FROM billing.invoices, generate_series(1, 2);
  `;

  it.each(MODES)(
    "deletes and counts the tenant's rows of tables in another schema (%s), keeping the other tenant's",
    async (_mode, sizes) => {
      const db = await database(SCHEMA);
      const service = await startDeletableService(options(db, {}, sizes));
      try {
        const expected = { invoices: 1, 'billing.invoices': 2, 'billing.invoice_lines': 4 };
        const preview = await call<PreviewBody>('GET', `${service.baseUrl}/tenant/acme/deletion-preview`);
        expect(preview.body.counts).toEqual(expected);
        const deleted = await call<DeletionBody>('DELETE', `${service.baseUrl}/tenant/acme`);
        expect(deleted.body.deleted_counts).toEqual(expected);
        expect(await rowsOf(db, 'SELECT tenant_id FROM billing.invoices')).toEqual([{ tenant_id: 'other' }]);
        expect(await rowsOf(db, 'SELECT count(*)::int AS n FROM billing.invoice_lines')).toEqual([{ n: 2 }]);
        expect(await rowsOf(db, 'SELECT tenant_id FROM public.invoices')).toEqual([{ tenant_id: 'other' }]);
      } finally {
        await service.close();
      }
    },
  );
});

describe('a row two tenants reach', () => {
  // A batch names a product and a location; each belongs to a tenant, possibly not the same one.
  const SCHEMA = `
    CREATE TABLE products (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
    CREATE TABLE stock_locations (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
    CREATE TABLE stock_batches (
      id bigserial PRIMARY KEY,
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint CONSTRAINT stock_batches_location_fk REFERENCES stock_locations (id) ON DELETE SET NULL,
      lot text NOT NULL);
    INSERT INTO products (tenant_id) VALUES ('acme'), ('other');
    INSERT INTO stock_locations (tenant_id) VALUES ('acme'), ('other');
    -- acme's own batch, and a batch of other's product stored at acme's location.
    INSERT INTO stock_batches (product_id, location_id, lot) VALUES (1, 1, 'acme-own'), (2, 1, 'shared');
  `;
  const SET_NULL = [{ table: 'stock_batches', foreignKey: 'stock_batches_location_fk' }];

  it('refuses to start without an owner path, naming the table and both of its paths', async () => {
    const db = await database(SCHEMA);
    const error = await startupError(options(db, { plannedCascades: SET_NULL }));
    expect(error).toBeInstanceOf(KitOverDeletionError);
    expect(error.message).toContain('table "stock_batches" reaches tenant rows through 2 foreign key paths');
    expect(error.message).toContain('stock_batches.product_id -> products.tenant_id');
    expect(error.message).toContain('stock_batches.location_id -> stock_locations.tenant_id');
  });

  it.each(MODES)(
    "keeps the batch of another tenant's product at the tenant's location and clears its location, counted (%s)",
    async (_mode, sizes) => {
      const db = await database(SCHEMA);
      const service = await startDeletableService(
        options(db, { ownerPaths: { stock_batches: 'products' }, plannedCascades: SET_NULL }, sizes),
      );
      try {
        const cleared = 'stock_batches.location_id (set null by stock_batches_location_fk)';
        const expected = { products: 1, stock_locations: 1, stock_batches: 1, [cleared]: 1 };
        const preview = await call<PreviewBody>('GET', `${service.baseUrl}/tenant/acme/deletion-preview`);
        expect(preview.body.counts).toEqual(expected);
        const deleted = await call<DeletionBody>('DELETE', `${service.baseUrl}/tenant/acme`);
        expect(deleted.body.deleted_counts).toEqual(expected);
        expect(await rowsOf(db, 'SELECT lot, product_id::int, location_id FROM stock_batches')).toEqual([
          { lot: 'shared', product_id: 2, location_id: null },
        ]);
      } finally {
        await service.close();
      }
    },
  );

  it('keeps a row whose other path leads to another tenant, failing the deletion on it and deleting nothing', async () => {
    const db = await database(`
      CREATE TABLE products (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
      CREATE TABLE stock_locations (id bigserial PRIMARY KEY, tenant_id text NOT NULL);
      CREATE TABLE stock_batches (
        id bigserial PRIMARY KEY,
        product_id bigint NOT NULL REFERENCES products (id),
        location_id bigint NOT NULL REFERENCES stock_locations (id));
      INSERT INTO products (tenant_id) VALUES ('acme'), ('other');
      INSERT INTO stock_locations (tenant_id) VALUES ('acme'), ('other');
      -- acme's product stored at other's location: acme's by its owner path, other's by the second path.
      INSERT INTO stock_batches (product_id, location_id) VALUES (1, 1), (1, 2);
    `);
    const service = await startDeletableService(options(db, { ownerPaths: { stock_batches: 'products' } }));
    try {
      const preview = await call<PreviewBody>('GET', `${service.baseUrl}/tenant/acme/deletion-preview`);
      expect(preview.body.counts.stock_batches).toBe(1);
      const refused = await call<ErrorBody>('DELETE', `${service.baseUrl}/tenant/acme`);
      expect(refused.status).toBe(500);
      expect(refused.body.error.code).toBe('DATABASE_ERROR');
      expect(refused.body.error.message).toContain('stock_batches_product_id_fkey');
      expect(await rowsOf(db, 'SELECT id::int FROM stock_batches ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
      expect(await rowsOf(db, 'SELECT count(*)::int AS n FROM products')).toEqual([{ n: 2 }]);
    } finally {
      await service.close();
    }
  });
});
