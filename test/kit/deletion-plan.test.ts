import { KitPlanError, planDeletion } from '../../services/kit/deletion-plan';
import { catalogOf, definitionOf } from './catalog-fixtures';

function names(tables: { name: string }[]): string[] {
  return tables.map((table) => table.name);
}

describe('planDeletion', () => {
  it('follows foreign key chains several levels deep and deletes children before parents', () => {
    const catalog = catalogOf(
      {
        customers: ['id', 'tenant_id'],
        orders: ['id', 'tenant_id', 'customer_id'],
        order_items: ['id', 'order_id'],
        item_notes: ['id', 'item_id'],
        note_tags: ['id', 'note_id'],
      },
      [
        ['orders', ['customer_id'], 'customers'],
        ['order_items', ['order_id'], 'orders'],
        ['item_notes', ['item_id'], 'order_items'],
        ['note_tags', ['note_id'], 'item_notes'],
      ],
    );
    const plan = planDeletion(catalog, definitionOf());
    expect(names(plan.tables)).toEqual(['note_tags', 'item_notes', 'order_items', 'orders', 'customers']);
    const byName = new Map(plan.tables.map((table) => [table.name, table]));
    expect(byName.get('orders')?.reach).toBe('direct');
    expect(byName.get('note_tags')?.reach).toBe('indirect');
    expect(byName.get('note_tags')?.via.map((fk) => fk.referencedTable)).toEqual(['item_notes']);
  });

  it('leaves out tables with neither the tenant column nor a path to one', () => {
    const catalog = catalogOf(
      { cities: ['id', 'name'], stations: ['id', 'city_id'], weather: ['id', 'tenant_id', 'station_id'] },
      [
        ['stations', ['city_id'], 'cities'],
        ['weather', ['station_id'], 'stations'],
      ],
    );
    expect(names(planDeletion(catalog, definitionOf()).tables)).toEqual(['weather']);
  });

  it('plans self-references without calling them a cycle', () => {
    const catalog = catalogOf(
      {
        categories: ['id', 'tenant_id', 'parent_id'],
        posts: ['id', 'tenant_id'],
        comments: ['id', 'post_id', 'reply_to'],
      },
      [
        ['categories', ['parent_id'], 'categories'],
        ['comments', ['post_id'], 'posts'],
        ['comments', ['reply_to'], 'comments'],
      ],
    );
    const plan = planDeletion(catalog, definitionOf());
    expect(names(plan.tables)).toEqual(['categories', 'comments', 'posts']);
    const comments = plan.tables.find((table) => table.name === 'comments')!;
    expect(comments.reach).toBe('indirect');
    expect(comments.via.map((fk) => fk.referencedTable)).toEqual(['posts']);
    expect(comments.selfReferences.map((fk) => fk.columns)).toEqual([['reply_to']]);
  });

  it('refuses a cycle between different tables, naming the tables in reference order', () => {
    const catalog = catalogOf(
      {
        accounts: ['id', 'tenant_id', 'primary_contact_id'],
        contacts: ['id', 'tenant_id', 'invoice_id'],
        invoices: ['id', 'account_id'],
        unrelated: ['id'],
      },
      [
        ['accounts', ['primary_contact_id'], 'contacts'],
        ['contacts', ['invoice_id'], 'invoices'],
        ['invoices', ['account_id'], 'accounts'],
      ],
    );
    let error: unknown;
    try {
      planDeletion(catalog, definitionOf());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KitPlanError);
    expect((error as KitPlanError).tables).toEqual(['accounts', 'contacts', 'invoices']);
    expect((error as Error).message).toContain('accounts -> contacts -> invoices -> accounts');
  });

  it('orders a table reached by several paths after every table referencing it', () => {
    const catalog = catalogOf(
      {
        customers: ['id', 'tenant_id'],
        orders: ['id', 'tenant_id', 'customer_id'],
        reviews: ['id', 'order_id', 'customer_id'],
      },
      [
        ['orders', ['customer_id'], 'customers'],
        ['reviews', ['order_id'], 'orders'],
        ['reviews', ['customer_id'], 'customers'],
      ],
    );
    const plan = planDeletion(catalog, definitionOf());
    expect(names(plan.tables)).toEqual(['reviews', 'orders', 'customers']);
    expect(plan.tables[0].via.map((fk) => fk.referencedTable).sort()).toEqual(['customers', 'orders']);
  });

  it('carries keep predicates and files, and leaves excluded tables and the kit tables out', () => {
    const catalog = catalogOf({
      templates: ['id', 'tenant_id', 'is_system'],
      models: ['id', 'tenant_id', 'path'],
      search_index: ['tenant_id', 'doc'],
      kit_legal_holds: ['tenant_id', 'reason'],
      kit_deletion_runs: ['run_id', 'tenant_id'],
    });
    const plan = planDeletion(
      catalog,
      definitionOf({
        keep: { templates: 'is_system' },
        exclude: { search_index: 'rebuilt nightly from the primary tables' },
        files: [{ table: 'models', pathColumn: 'path', countAs: 'model_files' }],
      }),
    );
    expect(names(plan.tables)).toEqual(['models', 'templates']);
    expect(plan.tables[1].keep).toBe('is_system');
    expect(plan.tables[0].files).toEqual([{ pathColumn: 'path', countAs: 'model_files' }]);
  });

  it('does not reach through an excluded table', () => {
    const catalog = catalogOf({ invoices: ['id', 'tenant_id'], invoice_lines: ['id', 'invoice_id'] }, [
      ['invoice_lines', ['invoice_id'], 'invoices'],
    ]);
    const plan = planDeletion(catalog, definitionOf({ exclude: { invoices: 'kept ten years for the tax authority' } }));
    expect(plan.tables).toEqual([]);
  });

  it('uses the configured tenant column', () => {
    const catalog = catalogOf({ shops: ['id', 'bakery_id'], other: ['id', 'tenant_id'] });
    expect(names(planDeletion(catalog, definitionOf({ tenantColumn: 'bakery_id' })).tables)).toEqual(['shops']);
  });
});
