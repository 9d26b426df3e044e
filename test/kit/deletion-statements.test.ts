import { planDeletion } from '../../services/kit/deletion-plan';
import {
  countStatement,
  deleteAllStatement,
  deleteBatchStatement,
  membership,
} from '../../services/kit/deletion-statements';
import { catalogOf, definitionOf } from './catalog-fixtures';

const catalog = catalogOf(
  {
    orders: ['id', 'tenant_id'],
    order_items: ['order_id', 'line', 'tenant_ref'],
    item_notes: ['id', 'order_id', 'line'],
    categories: ['id', 'tenant_id', 'parent_id'],
    'we"ird': ['id', 'tenant_id', 'is_system'],
    models: ['id', 'tenant_id', 'path'],
  },
  [
    ['order_items', ['order_id'], 'orders'],
    ['item_notes', ['order_id', 'line'], 'order_items', ['order_id', 'line']],
    ['categories', ['parent_id'], 'categories'],
  ],
);
const plan = planDeletion(
  catalog,
  definitionOf({
    keep: { 'we"ird': 'is_system' },
    files: [{ table: 'models', pathColumn: 'path', countAs: 'model_files' }],
  }),
);
const table = (name: string) => plan.tables.find((candidate) => candidate.name === name)!;

describe('deletion statements', () => {
  it("select a direct table's rows by the tenant column, which NULL never matches", () => {
    expect(membership(plan, table('orders'), 't0')).toBe('"t0"."tenant_id" = $1');
  });

  it('follow an indirect table up its chain with nested EXISTS on schema-qualified tables, joining every column of a composite key', () => {
    const condition = membership(plan, table('item_notes'), 't0');
    expect(condition).toBe(
      'EXISTS (SELECT 1 FROM "public"."order_items" AS "t1" WHERE "t1"."order_id" = "t0"."order_id" AND "t1"."line" = "t0"."line" AND ' +
        'EXISTS (SELECT 1 FROM "public"."orders" AS "t2" WHERE "t2"."id" = "t1"."order_id" AND "t2"."tenant_id" = $1))',
    );
  });

  it('keep the rows a keep predicate names (a NULL predicate keeps nothing), and quote odd names with their schema', () => {
    expect(countStatement(plan, table('we"ird'))).toBe(
      'SELECT count(*) AS n FROM "public"."we""ird" AS "t0" WHERE "t0"."tenant_id" = $1 AND (is_system) IS NOT TRUE',
    );
  });

  it('batch a self-referencing table leaves first', () => {
    expect(deleteBatchStatement(plan, table('categories'))).toBe(
      'DELETE FROM "public"."categories" WHERE ctid = ANY(ARRAY(SELECT "t0".ctid FROM "public"."categories" AS "t0" WHERE "t0"."tenant_id" = $1' +
        ' AND NOT EXISTS (SELECT 1 FROM "public"."categories" AS "child" WHERE "child"."parent_id" = "t0"."id") LIMIT $2))',
    );
  });

  it('hand back file paths from the rows they delete', () => {
    expect(deleteAllStatement(plan, table('models'))).toBe(
      'DELETE FROM "public"."models" AS "t0" WHERE "t0"."tenant_id" = $1 RETURNING "path" AS "kit_file_0"',
    );
  });

  it('never hold a value: only $1 (tenant) and $2 (batch size) parameters', () => {
    for (const planned of plan.tables) {
      for (const sql of [
        countStatement(plan, planned),
        deleteAllStatement(plan, planned),
        deleteBatchStatement(plan, planned),
      ]) {
        expect(sql.match(/\$\d+/g)?.every((parameter) => ['$1', '$2'].includes(parameter))).toBe(true);
        expect(sql).not.toMatch(/'/);
      }
    }
  });
});

describe('deletion statements for tables two tenants could reach', () => {
  const inventory = catalogOf(
    {
      products: ['id', 'tenant_id'],
      stock_locations: ['id', 'tenant_id'],
      stock_batches: ['id', 'product_id', 'location_id'],
    },
    [
      ['stock_batches', ['product_id'], 'products'],
      ['stock_batches', ['location_id'], 'stock_locations'],
    ],
  );
  const product =
    'EXISTS (SELECT 1 FROM "public"."products" AS "t1" WHERE "t1"."id" = "t0"."product_id" AND "t1"."tenant_id" = $1)';
  const location = (comparison: string) =>
    'EXISTS (SELECT 1 FROM "public"."stock_locations" AS "t1" WHERE "t1"."id" = "t0"."location_id" AND ' +
    `"t1"."tenant_id" ${comparison} $1)`;

  it('take a row through the declared owner path only when its other path leads to no other tenant', () => {
    const owned = planDeletion(inventory, definitionOf({ ownerPaths: { stock_batches: 'products' } }));
    const batches = owned.tables.find((candidate) => candidate.name === 'stock_batches')!;
    expect(membership(owned, batches, 't0')).toBe(`${product} AND NOT ${location('<>')}`);
  });

  it('take a row of an undeclared multi-path table only when some path leads to the tenant and none to another', () => {
    const undeclared = planDeletion(inventory, definitionOf());
    const batches = undeclared.tables.find((candidate) => candidate.name === 'stock_batches')!;
    const productElsewhere =
      'EXISTS (SELECT 1 FROM "public"."products" AS "t1" WHERE "t1"."id" = "t0"."product_id" AND "t1"."tenant_id" <> $1)';
    expect(membership(undeclared, batches, 't0')).toBe(
      `(${product} OR ${location('=')}) AND NOT ${productElsewhere} AND NOT ${location('<>')}`,
    );
  });

  it('take every row a declared CASCADE reaches, as Postgres would delete them anyway', () => {
    const cascading = catalogOf({ orders: ['id', 'tenant_id'], order_notes: ['id', 'order_id'] }, [
      ['order_notes', ['order_id'], 'orders', ['id'], 'cascade'],
    ]);
    const declared = planDeletion(
      cascading,
      definitionOf({ plannedCascades: [{ table: 'order_notes', foreignKey: 'order_notes_order_id_fkey' }] }),
    );
    expect(membership(declared, declared.tables[0], 't0')).toBe(
      'EXISTS (SELECT 1 FROM "public"."orders" AS "t1" WHERE "t1"."id" = "t0"."order_id" AND "t1"."tenant_id" = $1)',
    );
  });

  it("clear a declared SET NULL key on other rows than the tenant's, with UPDATE statements", () => {
    const clearing = catalogOf({ customers: ['id', 'tenant_id'], orders: ['id', 'tenant_id', 'customer_id'] }, [
      ['orders', ['customer_id'], 'customers', ['id'], 'set null'],
    ]);
    const declared = planDeletion(
      clearing,
      definitionOf({ plannedCascades: [{ table: 'orders', foreignKey: 'orders_customer_id_fkey' }] }),
    );
    const step = declared.tables.find((candidate) => candidate.clears !== undefined)!;
    const where =
      'EXISTS (SELECT 1 FROM "public"."customers" AS "t1" WHERE "t1"."id" = "t0"."customer_id" AND "t1"."tenant_id" = $1)' +
      ' AND ("t0"."tenant_id" = $1) IS NOT TRUE';
    expect(deleteAllStatement(declared, step)).toBe(
      `UPDATE "public"."orders" AS "t0" SET "customer_id" = NULL WHERE ${where}`,
    );
    expect(deleteBatchStatement(declared, step)).toBe(
      'UPDATE "public"."orders" SET "customer_id" = NULL WHERE ctid = ANY(ARRAY(SELECT "t0".ctid FROM "public"."orders" ' +
        `AS "t0" WHERE ${where} LIMIT $2))`,
    );
    expect(countStatement(declared, step)).toBe(`SELECT count(*) AS n FROM "public"."orders" AS "t0" WHERE ${where}`);
  });
});

describe('deletion statements across schemas', () => {
  it('qualify a second schema\'s tables by their schema, counted under "schema.table"', () => {
    const twoSchemas = catalogOf({ orders: ['id', 'tenant_id'], 'billing.invoices': ['id', 'order_id'] }, [
      ['billing.invoices', ['order_id'], 'orders'],
    ]);
    const plan = planDeletion(twoSchemas, definitionOf());
    expect(plan.tables.map((planned) => planned.name)).toEqual(['billing.invoices', 'orders']);
    expect(deleteAllStatement(plan, plan.tables[0])).toBe(
      'DELETE FROM "billing"."invoices" AS "t0" WHERE EXISTS (SELECT 1 FROM "public"."orders" AS "t1" ' +
        'WHERE "t1"."id" = "t0"."order_id" AND "t1"."tenant_id" = $1)',
    );
  });
});
