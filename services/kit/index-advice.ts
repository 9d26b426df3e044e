import type { SchemaCatalog } from './catalog';
import type { DeletionPlan } from './deletion-plan';

/**
 * Indexes whose absence makes a tenant's deletion scan whole tables over and over: a direct table
 * without an index on the tenant column (every count and batch scans it), and a foreign key into a
 * planned table without an index on its columns (Postgres checks it for every deleted row). Deletion
 * stays correct without them, so these are start-up warnings, not refusals; on a real tenant they are
 * the difference between seconds and hours.
 */
export function missingIndexes(catalog: SchemaCatalog, plan: DeletionPlan): string[] {
  const planned = new Set(plan.tables.map((table) => table.name));
  const tables = new Map(catalog.tables.map((table) => [table.name, table]));
  const advice: string[] = [];
  for (const table of plan.tables) {
    if (table.reach === 'direct' && !tables.get(table.name)?.leadingIndexColumns.includes(plan.tenantColumn)) {
      advice.push(`index "${table.name}" (${plan.tenantColumn}): without it every count and batch scans the table`);
    }
  }
  for (const fk of catalog.foreignKeys) {
    if (planned.has(fk.referencedTable) && !fk.indexed) {
      advice.push(
        `index "${fk.table}" (${fk.columns.join(', ')}) for foreign key ${fk.name}: without it every deleted ` +
          `"${fk.referencedTable}" row scans "${fk.table}"`,
      );
    }
  }
  return advice;
}
