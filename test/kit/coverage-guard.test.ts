import { checkCoverage } from '../../services/kit/coverage-guard';
import { planDeletion } from '../../services/kit/deletion-plan';
import { KitDefinitionError, parseDefinition } from '../../services/kit/service-definition';
import { catalogOf, definitionOf, guardProblems, type ForeignKeySpec } from './catalog-fixtures';

const TABLES = {
  orders: ['id', 'tenant_id'],
  order_items: ['id', 'order_id'],
  invoices: ['id', 'tenant_id'],
  invoice_lines: ['id', 'invoice_id'],
  templates: ['id', 'tenant_id', 'is_system'],
  models: ['id', 'tenant_id', 'path'],
  audit_log: ['id', 'tenant_id', 'action', 'created_at'],
  cities: ['id'],
};
const FKS: ForeignKeySpec[] = [
  ['order_items', ['order_id'], 'orders'],
  ['invoice_lines', ['invoice_id'], 'invoices'],
];

function problemsOf(overrides: Parameters<typeof definitionOf>[0], fks = FKS, tables = TABLES): string[] {
  return guardProblems(checkCoverage, catalogOf(tables, fks), overrides);
}

describe('checkCoverage', () => {
  it('accepts a schema whose every tenant table is planned', () => {
    expect(problemsOf({ keep: { templates: 'is_system' }, auditTable: 'audit_log' })).toEqual([]);
  });

  it('accepts a table excluded with a reason', () => {
    expect(
      problemsOf({
        exclude: {
          invoices: 'kept ten years for the tax authority',
          invoice_lines: 'kept with their invoices for the tax authority',
        },
      }),
    ).toEqual([]);
  });

  it('refuses a tenant table the plan cannot reach, naming it', () => {
    const problems = problemsOf({ exclude: { invoices: 'kept ten years for the tax authority' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('table "invoice_lines" holds tenant data');
    expect(problems[0]).toContain('references "invoices"');
  });

  it('catches a table the planner dropped, because it decides coverage on its own', () => {
    const catalog = catalogOf(TABLES, FKS);
    const definition = definitionOf();
    const plan = planDeletion(catalog, definition);
    const gap = { ...plan, tables: plan.tables.filter((table) => table.name !== 'order_items') };
    expect(() => checkCoverage(catalog, definition, gap)).toThrow(/table "order_items" holds tenant data/);
  });

  it('refuses entries naming tables or columns that do not exist', () => {
    const problems = problemsOf({
      keep: { templatez: 'is_system' },
      exclude: { old_orders: 'dropped in migration 42, kept here by mistake' },
      files: [
        { table: 'modelz', pathColumn: 'path', countAs: 'model_files' },
        { table: 'models', pathColumn: 'file', countAs: 'model_files' },
      ],
      auditTable: 'audit',
    });
    expect(problems).toEqual([
      expect.stringContaining('keep names table "templatez"'),
      expect.stringContaining('exclude names table "old_orders"'),
      expect.stringContaining('files names table "modelz"'),
      expect.stringContaining('column "models.file"'),
      expect.stringContaining('auditTable names table "audit"'),
    ]);
  });

  it('refuses keep on a table that is not deleted from, and a files count named like a table', () => {
    const problems = problemsOf({
      keep: { cities: 'true' },
      files: [{ table: 'models', pathColumn: 'path', countAs: 'orders' }],
    });
    expect(problems).toEqual([
      expect.stringContaining('keep names table "cities", which is not deleted from'),
      expect.stringContaining('files count "orders" has the name of a table'),
    ]);
  });

  it('refuses an audit table without the columns the write endpoint fills', () => {
    const problems = problemsOf({ auditTable: 'templates' });
    expect(problems).toEqual([expect.stringContaining('auditTable "templates" needs the columns')]);
  });

  it('refuses an excluded table whose foreign key would block deleting a planned one, unless it is SET NULL', () => {
    const fks: ForeignKeySpec[] = [...FKS, ['invoices', ['order_id'], 'orders']];
    const tables = { ...TABLES, invoices: ['id', 'tenant_id', 'order_id'] };
    const exclude = {
      invoices: 'kept ten years for the tax authority',
      invoice_lines: 'kept with their invoices for the tax authority',
    };
    expect(problemsOf({ exclude }, fks, tables)).toEqual([
      expect.stringContaining('excluded table "invoices" references planned table "orders"'),
    ]);
    const cascading: ForeignKeySpec[] = [...FKS, ['invoices', ['order_id'], 'orders', ['id'], 'set null']];
    expect(problemsOf({ exclude }, cascading, tables)).toEqual([]);
  });
});

describe('parseDefinition', () => {
  it('refuses an exclusion without a written reason, and a bad service type', () => {
    expect(() => parseDefinition({ serviceType: 'orders', exclude: { invoices: '' } })).toThrow(KitDefinitionError);
    expect(() => parseDefinition({ serviceType: 'Orders!' })).toThrow(/serviceType/);
  });

  it('applies the defaults', () => {
    expect(parseDefinition({ serviceType: 'orders' })).toEqual({
      serviceType: 'orders',
      tenantColumn: 'tenant_id',
      keep: {},
      exclude: {},
      files: [],
      ownerPaths: {},
      plannedCascades: [],
    });
  });
});
