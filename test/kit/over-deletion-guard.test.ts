import type { SchemaCatalog } from '../../services/kit/catalog';
import { planDeletion } from '../../services/kit/deletion-plan';
import { checkOverDeletion, inexactBecause } from '../../services/kit/over-deletion-guard';
import { catalogOf, definitionOf, guardProblems, type ForeignKeySpec } from './catalog-fixtures';

/** The inventory's shape: a batch names a product and a location, each with its own tenant column. */
const INVENTORY = {
  products: ['id', 'tenant_id'],
  stock_locations: ['id', 'tenant_id'],
  stock_batches: ['id', 'product_id', 'location_id'],
  stock_movements: ['id', 'batch_id'],
};
const INVENTORY_FKS: ForeignKeySpec[] = [
  ['stock_batches', ['product_id'], 'products'],
  ['stock_batches', ['location_id'], 'stock_locations'],
  ['stock_movements', ['batch_id'], 'stock_batches'],
];

function problemsOf(catalog: SchemaCatalog, overrides: Parameters<typeof definitionOf>[0] = {}): string[] {
  return guardProblems(checkOverDeletion, catalog, overrides);
}

describe('checkOverDeletion: ownership', () => {
  it('refuses an indirect table with two foreign key paths to tenant rows, naming the table and both paths', () => {
    const problems = problemsOf(catalogOf(INVENTORY, INVENTORY_FKS));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('table "stock_batches" reaches tenant rows through 2 foreign key paths');
    expect(problems[0]).toContain('stock_batches.product_id -> products.tenant_id');
    expect(problems[0]).toContain('stock_batches.location_id -> stock_locations.tenant_id');
    expect(problems[0]).toContain('ownerPaths');
  });

  it('accepts the table once ownerPaths names the deciding foreign key by its referenced table or its name', () => {
    const catalog = catalogOf(INVENTORY, INVENTORY_FKS);
    expect(problemsOf(catalog, { ownerPaths: { stock_batches: 'products' } })).toEqual([]);
    expect(problemsOf(catalog, { ownerPaths: { stock_batches: 'stock_batches_location_id_fkey' } })).toEqual([]);
  });

  it('records the declared owner path in the plan', () => {
    const catalog = catalogOf(INVENTORY, INVENTORY_FKS);
    const plan = planDeletion(catalog, definitionOf({ ownerPaths: { stock_batches: 'products' } }));
    expect(plan.tables.find((table) => table.name === 'stock_batches')?.owner?.name).toBe(
      'stock_batches_product_id_fkey',
    );
  });

  it('refuses ownerPaths entries naming a missing table, a direct table, or a key that is not a path of the table', () => {
    const problems = problemsOf(catalogOf(INVENTORY, INVENTORY_FKS), {
      ownerPaths: { stock_batchez: 'products', products: 'stock_locations', stock_batches: 'suppliers' },
    });
    expect(problems).toEqual([
      expect.stringContaining('ownerPaths names table "stock_batchez", which does not exist'),
      expect.stringContaining('ownerPaths names table "products", which has the tenant column'),
      expect.stringContaining('ownerPaths names "suppliers" for table "stock_batches", which is not one of its paths'),
      expect.stringContaining('table "stock_batches" reaches tenant rows through 2 foreign key paths'),
    ]);
  });

  it('refuses ownerPaths naming a referenced table that two of the keys lead to, as it decides nothing', () => {
    const catalog = catalogOf({ stock_locations: ['id', 'tenant_id'], transfers: ['id', 'from_id', 'to_id'] }, [
      ['transfers', ['from_id'], 'stock_locations'],
      ['transfers', ['to_id'], 'stock_locations'],
    ]);
    expect(problemsOf(catalog, { ownerPaths: { transfers: 'stock_locations' } })[0]).toContain(
      'ownerPaths names "stock_locations" for table "transfers", which is not one of its paths',
    );
    expect(problemsOf(catalog, { ownerPaths: { transfers: 'transfers_from_id_fkey' } })).toEqual([]);
  });

  it('accepts a table with one path to tenant rows and a self-reference', () => {
    const catalog = catalogOf({ posts: ['id', 'tenant_id'], comments: ['id', 'post_id', 'reply_to'] }, [
      ['comments', ['post_id'], 'posts'],
      ['comments', ['reply_to'], 'comments'],
    ]);
    expect(problemsOf(catalog)).toEqual([]);
  });
});

describe('checkOverDeletion: ON DELETE actions', () => {
  const TABLES = { orders: ['id', 'tenant_id'], order_notes: ['id', 'order_id'], cities: ['id'] };

  it('refuses an ON DELETE CASCADE foreign key into a deleted table, naming the constraint', () => {
    const problems = problemsOf(catalogOf(TABLES, [['order_notes', ['order_id'], 'orders', ['id'], 'cascade']]));
    expect(problems).toEqual([
      expect.stringContaining('foreign key order_notes_order_id_fkey of table "order_notes" is ON DELETE CASCADE'),
    ]);
    expect(problems[0]).toContain('plannedCascades');
  });

  it('refuses ON DELETE SET NULL and SET DEFAULT foreign keys into a deleted table, naming each constraint', () => {
    const catalog = catalogOf({ ...TABLES, order_notes: ['id', 'order_id', 'previous_order_id'] }, [
      ['order_notes', ['order_id'], 'orders', ['id'], 'set null'],
      ['order_notes', ['previous_order_id'], 'orders', ['id'], 'set default'],
    ]);
    expect(problemsOf(catalog, { ownerPaths: { order_notes: 'order_notes_order_id_fkey' } })).toEqual([
      expect.stringContaining('foreign key order_notes_order_id_fkey of table "order_notes" is ON DELETE SET NULL'),
      expect.stringContaining(
        'foreign key order_notes_previous_order_id_fkey of table "order_notes" is ON DELETE SET DEFAULT',
      ),
    ]);
  });

  it('ignores a cascading foreign key between tables the kit does not delete from', () => {
    const catalog = catalogOf({ ...TABLES, stations: ['id', 'city_id'] }, [
      ['stations', ['city_id'], 'cities', ['id'], 'cascade'],
    ]);
    expect(problemsOf(catalog)).toEqual([]);
  });

  it('accepts a CASCADE declared in plannedCascades and plans its rows as reached through it', () => {
    const catalog = catalogOf(TABLES, [['order_notes', ['order_id'], 'orders', ['id'], 'cascade']]);
    const plannedCascades = [{ table: 'order_notes', foreignKey: 'order_notes_order_id_fkey' }];
    expect(problemsOf(catalog, { plannedCascades })).toEqual([]);
    const plan = planDeletion(catalog, definitionOf({ plannedCascades }));
    expect(plan.tables.map((table) => table.name)).toEqual(['order_notes', 'orders']);
    expect(plan.tables[0].cascades.map((fk) => fk.name)).toEqual(['order_notes_order_id_fkey']);
  });

  it('plans a declared SET NULL as a counted clearing step after the referencing rows and before the referenced', () => {
    const catalog = catalogOf(
      { customers: ['id', 'tenant_id'], orders: ['id', 'tenant_id', 'customer_id'], invoices: ['id', 'customer_id'] },
      [
        ['orders', ['customer_id'], 'customers', ['id'], 'set null'],
        ['invoices', ['customer_id'], 'customers'],
      ],
    );
    const plannedCascades = [{ table: 'orders', foreignKey: 'orders_customer_id_fkey' }];
    expect(problemsOf(catalog, { plannedCascades })).toEqual([]);
    const plan = planDeletion(catalog, definitionOf({ plannedCascades }));
    expect(plan.tables.map((table) => table.name)).toEqual([
      'invoices',
      'orders',
      'orders.customer_id (set null by orders_customer_id_fkey)',
      'customers',
    ]);
  });

  it('refuses plannedCascades entries that name no foreign key, one that does not cascade, or an excluded table', () => {
    const catalog = catalogOf({ ...TABLES, order_archive: ['id', 'order_id'] }, [
      ['order_notes', ['order_id'], 'orders'],
      ['order_archive', ['order_id'], 'orders', ['id'], 'cascade'],
    ]);
    const problems = problemsOf(catalog, {
      exclude: { order_archive: 'kept for the auditors, ten years' },
      plannedCascades: [
        { table: 'order_notes', foreignKey: 'no_such_fkey' },
        { table: 'order_notes', foreignKey: 'order_notes_order_id_fkey' },
        { table: 'order_archive', foreignKey: 'order_archive_order_id_fkey' },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('foreign key no_such_fkey of table "order_notes", which does not exist'),
      expect.stringContaining('which is ON DELETE NO ACTION: there is nothing to plan'),
      expect.stringContaining('order_archive_order_id_fkey of table "order_archive", whose rows would be deleted'),
    ]);
  });
});

describe('checkOverDeletion: the tenant column', () => {
  function withTenantColumn(type: string, collation: string | null, deterministic = true): SchemaCatalog {
    const catalog = catalogOf({ orders: ['id', 'tenant_id'] });
    catalog.tables[0].columnTypes.tenant_id = { type, collation, deterministic };
    return catalog;
  }

  it('refuses a citext tenant column, saying it compares case-insensitively', () => {
    expect(problemsOf(withTenantColumn('citext', 'default'))).toEqual([
      expect.stringMatching(
        /table "orders": its tenant column "tenant_id" is citext, which compares case-insensitively/,
      ),
    ]);
  });

  it('refuses a text tenant column with a nondeterministic collation, naming the collation', () => {
    expect(problemsOf(withTenantColumn('text', 'case_insensitive', false))).toEqual([
      expect.stringContaining('has the nondeterministic collation "case_insensitive"'),
    ]);
  });

  it('refuses a tenant column of a type whose equality is not identity', () => {
    expect(inexactBecause({ type: 'numeric', collation: null, deterministic: true })).toContain('type numeric');
    expect(inexactBecause({ type: 'jsonb', collation: null, deterministic: true })).toContain('type jsonb');
  });

  it('accepts text, varchar and char with deterministic collations, uuid and the integer types', () => {
    for (const type of ['text', 'varchar', 'bpchar', 'uuid', 'int2', 'int4', 'int8']) {
      expect(problemsOf(withTenantColumn(type, type === 'uuid' || type.startsWith('int') ? null : 'C'))).toEqual([]);
    }
  });
});
