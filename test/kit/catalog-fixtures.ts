import type { CatalogForeignKey, OnDeleteAction, SchemaCatalog } from '../../services/kit/catalog';
import type { DeletableServiceDefinition, ServiceDefinition } from '../../services/kit/service-definition';
import { parseDefinition } from '../../services/kit/service-definition';

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
      columns,
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
