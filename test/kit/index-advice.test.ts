import { planDeletion } from '../../services/kit/deletion-plan';
import { missingIndexes } from '../../services/kit/index-advice';
import { catalogOf, definitionOf } from './catalog-fixtures';

describe('missingIndexes', () => {
  const catalog = catalogOf(
    { orders: ['id', 'tenant_id'], order_items: ['id', 'order_id'], cities: ['id'], shops: ['id', 'city_id'] },
    [
      ['order_items', ['order_id'], 'orders'],
      ['shops', ['city_id'], 'cities'],
    ],
  );

  it('says nothing when the tenant column and the foreign keys into planned tables are indexed', () => {
    expect(missingIndexes(catalog, planDeletion(catalog, definitionOf()))).toEqual([]);
  });

  it('names a direct table without a tenant index and a foreign key into a planned table without one', () => {
    const bare = {
      tables: catalog.tables.map((table) => ({ ...table, leadingIndexColumns: ['id'] })),
      foreignKeys: catalog.foreignKeys.map((fk) => ({ ...fk, indexed: false })),
    };
    expect(missingIndexes(bare, planDeletion(bare, definitionOf()))).toEqual([
      expect.stringContaining('index "orders" (tenant_id)'),
      expect.stringContaining('index "order_items" (order_id) for foreign key order_items_order_id_fkey'),
    ]);
  });
});
