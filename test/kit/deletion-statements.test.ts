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

  it('follow an indirect table up its chain with nested EXISTS, joining every column of a composite key', () => {
    const condition = membership(plan, table('item_notes'), 't0');
    expect(condition).toBe(
      'EXISTS (SELECT 1 FROM "order_items" AS "t1" WHERE "t1"."order_id" = "t0"."order_id" AND "t1"."line" = "t0"."line" AND ' +
        'EXISTS (SELECT 1 FROM "orders" AS "t2" WHERE "t2"."id" = "t1"."order_id" AND "t2"."tenant_id" = $1))',
    );
  });

  it('keep the rows a keep predicate names (a NULL predicate keeps nothing), and quote odd names', () => {
    expect(countStatement(plan, table('we"ird'))).toBe(
      'SELECT count(*) AS n FROM "we""ird" AS "t0" WHERE "t0"."tenant_id" = $1 AND (is_system) IS NOT TRUE',
    );
  });

  it('batch a self-referencing table leaves first', () => {
    expect(deleteBatchStatement(plan, table('categories'))).toBe(
      'DELETE FROM "categories" WHERE ctid = ANY(ARRAY(SELECT "t0".ctid FROM "categories" AS "t0" WHERE "t0"."tenant_id" = $1' +
        ' AND NOT EXISTS (SELECT 1 FROM "categories" AS "child" WHERE "child"."parent_id" = "t0"."id") LIMIT $2))',
    );
  });

  it('hand back file paths from the rows they delete', () => {
    expect(deleteAllStatement(plan, table('models'))).toBe(
      'DELETE FROM "models" AS "t0" WHERE "t0"."tenant_id" = $1 RETURNING "path" AS "kit_file_0"',
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
