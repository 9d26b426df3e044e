import type { SchemaCatalog } from './catalog';
import type { DeletionPlan } from './deletion-plan';
import { KIT_TABLES } from './kit-tables';
import type { ServiceDefinition } from './service-definition';

/**
 * The start-up check that no table holding tenant data is silently left out of deletion. It decides
 * what holds tenant data on its own (the tenant column, or a foreign key to a table that holds some)
 * and compares that with the plan, so a gap in the planner or a new table is caught before the service
 * answers a single request; every table must be planned or excluded with a written reason.
 */

export class KitCoverageError extends Error {
  constructor(readonly problems: string[]) {
    super(`the deletion plan does not cover the schema:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'KitCoverageError';
  }
}

/** Tables that hold tenant data, each with why: found independently of the plan and of `exclude`. */
export function tenantDataTables(catalog: SchemaCatalog, tenantColumn: string): Map<string, string> {
  const kit = new Set<string>(KIT_TABLES);
  const holders = new Map<string, string>();
  for (const table of catalog.tables) {
    if (!kit.has(table.name) && table.columns.includes(tenantColumn)) {
      holders.set(table.name, `it has the tenant column "${tenantColumn}"`);
    }
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const fk of catalog.foreignKeys) {
      if (!kit.has(fk.table) && !holders.has(fk.table) && holders.has(fk.referencedTable)) {
        holders.set(fk.table, `it references "${fk.referencedTable}" through ${fk.name}`);
        grew = true;
      }
    }
  }
  return holders;
}

export function checkCoverage(catalog: SchemaCatalog, definition: ServiceDefinition, plan: DeletionPlan): void {
  const tables = new Map(catalog.tables.map((table) => [table.name, table]));
  const planned = new Set(plan.tables.map((table) => table.name));
  const excluded = definition.exclude;
  const problems: string[] = [];

  for (const name of Object.keys(definition.keep)) {
    if (!tables.has(name)) problems.push(`keep names table "${name}", which does not exist`);
    else if (!planned.has(name)) {
      problems.push(`keep names table "${name}", which is not deleted from (it holds no tenant data or is excluded)`);
    }
  }
  for (const name of Object.keys(excluded)) {
    if (!tables.has(name)) problems.push(`exclude names table "${name}", which does not exist`);
  }
  for (const entry of definition.files) {
    const table = tables.get(entry.table);
    if (!table) problems.push(`files names table "${entry.table}", which does not exist`);
    else if (!table.columns.includes(entry.pathColumn)) {
      problems.push(`files names column "${entry.table}.${entry.pathColumn}", which does not exist`);
    } else if (!planned.has(entry.table)) {
      problems.push(`files names table "${entry.table}", whose rows are not deleted, so its files would never go`);
    }
    if (planned.has(entry.countAs)) {
      problems.push(`files count "${entry.countAs}" has the name of a table, so the two counts would be confused`);
    }
  }
  if (definition.auditTable !== undefined) {
    const table = tables.get(definition.auditTable);
    const needed = [definition.tenantColumn, 'action', 'created_at'];
    if (!table) problems.push(`auditTable names table "${definition.auditTable}", which does not exist`);
    else if (!needed.every((column) => table.columns.includes(column))) {
      problems.push(`auditTable "${definition.auditTable}" needs the columns ${needed.join(', ')}`);
    }
  }

  for (const [name, why] of tenantDataTables(catalog, definition.tenantColumn)) {
    if (planned.has(name) || name in excluded) continue;
    problems.push(
      `table "${name}" holds tenant data (${why}) but is neither in the deletion plan nor excluded: ` +
        'give it a foreign key path to a planned table or the tenant column, or add it to exclude with the reason it stays',
    );
  }

  // An excluded table's rows keep referencing the tenant's rows, so deleting those would fail half-way.
  for (const fk of catalog.foreignKeys) {
    if (fk.table in excluded && planned.has(fk.referencedTable) && ['no action', 'restrict'].includes(fk.onDelete)) {
      problems.push(
        `excluded table "${fk.table}" references planned table "${fk.referencedTable}" through ${fk.name} ` +
          `(ON DELETE ${fk.onDelete.toUpperCase()}), so deleting a tenant's "${fk.referencedTable}" rows would fail: ` +
          'plan it instead (remove it from exclude); if its rows must stay and only lose the reference, make that ' +
          'foreign key ON DELETE SET NULL and declare it in plannedCascades, so the kit clears and counts them',
      );
    }
  }

  if (problems.length > 0) throw new KitCoverageError(problems);
}
