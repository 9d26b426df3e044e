import type { CatalogForeignKey, ColumnType, OnDeleteAction, SchemaCatalog } from '../../services/kit/catalog';
import type { DeletableServiceDefinition, ServiceDefinition } from '../../services/kit/service-definition';
import { parseDefinition } from '../../services/kit/service-definition';
import { type DeletionPlan, planDeletion } from '../../services/kit/deletion-plan';

const TEXT: ColumnType = { type: 'text', collation: 'default', deterministic: true };

/** Schemas written as plain data for the pure tests: tables with their columns, and foreign keys. */

export type ForeignKeySpec = [
  table: string,
  columns: string[],
  referencedTable: string,
  referencedColumns?: string[],
  onDelete?: OnDeleteAction,
];

export function catalogOf(tables: Record<string, string[]>, foreignKeys: ForeignKeySpec[] = []): SchemaCatalog {
  return {
    tables: Object.entries(tables).map(([name, columns]) => ({
      name,
      schema: name.includes('.') ? name.split('.')[0] : 'public',
      relation: name.includes('.') ? name.split('.')[1] : name,
      columns,
      columnTypes: Object.fromEntries(columns.map((column) => [column, TEXT])),
      hasChildTables: false,
      leadingIndexColumns: columns,
    })),
    foreignKeys: foreignKeys.map(
      ([table, columns, referencedTable, referencedColumns = ['id'], onDelete = 'no action']): CatalogForeignKey => ({
        name: `${table}_${columns.join('_')}_fkey`,
        table,
        columns,
        referencedTable,
        referencedColumns,
        onDelete,
        indexed: true,
      }),
    ),
  };
}

export function definitionOf(overrides: Partial<DeletableServiceDefinition> = {}): ServiceDefinition {
  return parseDefinition({ serviceType: 'orders', ...overrides });
}

/** The problems a start-up guard lists for a catalog and definition; none when it accepts them. */
export function guardProblems(
  guard: (catalog: SchemaCatalog, definition: ServiceDefinition, plan: DeletionPlan) => void,
  catalog: SchemaCatalog,
  overrides: Partial<DeletableServiceDefinition> = {},
): string[] {
  const definition = definitionOf(overrides);
  try {
    guard(catalog, definition, planDeletion(catalog, definition));
    return [];
  } catch (error) {
    const { problems } = error as { problems?: string[] };
    if (problems === undefined) throw error;
    return problems;
  }
}
