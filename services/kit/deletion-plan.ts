import type { CatalogForeignKey, SchemaCatalog } from './catalog';
import { KIT_TABLES } from './kit-tables';
import type { ServiceDefinition } from './service-definition';

/**
 * Which tables hold a tenant's rows and in which order they go, derived from the schema alone:
 * tables with the tenant column hold them directly, tables reaching such a table through foreign keys
 * (order_items -> orders -> tenant) hold them indirectly, and every table is deleted before the tables
 * it references so that no foreign key is ever violated.
 */

export interface PlannedTable {
  name: string;
  /** 'direct': the row's tenant column names the tenant; 'indirect': the row references a tenant's row. */
  reach: 'direct' | 'indirect';
  /** For indirect tables: the foreign keys to other planned tables; a row referencing a tenant's row through any of them is the tenant's. */
  via: CatalogForeignKey[];
  /** Foreign keys from the table to itself (trees, threads): rows go leaves first when batched. */
  selfReferences: CatalogForeignKey[];
  /** The author's predicate naming shared rows that stay. */
  keep?: string;
  /** Columns holding paths of files the rows own: unlinked with the rows, counted under countAs. */
  files: { pathColumn: string; countAs: string }[];
  hasChildTables: boolean;
}

export interface DeletionPlan {
  tenantColumn: string;
  /** Children before parents. */
  tables: PlannedTable[];
}

/** The schema cannot be deleted from safely as it stands; the message names the tables and what to change. */
export class KitPlanError extends Error {
  constructor(
    readonly tables: string[],
    message: string,
  ) {
    super(message);
    this.name = 'KitPlanError';
  }
}

export function planDeletion(catalog: SchemaCatalog, definition: ServiceDefinition): DeletionPlan {
  const leftOut = new Set<string>([...KIT_TABLES, ...Object.keys(definition.exclude)]);
  const candidates = catalog.tables.filter((table) => !leftOut.has(table.name));
  const candidateNames = new Set(candidates.map((table) => table.name));
  const planned = new Set(
    candidates.filter((table) => table.columns.includes(definition.tenantColumn)).map((table) => table.name),
  );

  // Reaching a tenant's row is transitive: grow the set until no foreign key adds a table.
  let grew = true;
  while (grew) {
    grew = false;
    for (const fk of catalog.foreignKeys) {
      if (!planned.has(fk.table) && candidateNames.has(fk.table) && planned.has(fk.referencedTable)) {
        planned.add(fk.table);
        grew = true;
      }
    }
  }

  const tables = candidates
    .filter((table) => planned.has(table.name))
    .map((table): PlannedTable => {
      const direct = table.columns.includes(definition.tenantColumn);
      const outgoing = catalog.foreignKeys.filter((fk) => fk.table === table.name);
      return {
        name: table.name,
        reach: direct ? 'direct' : 'indirect',
        via: direct
          ? []
          : outgoing.filter((fk) => fk.referencedTable !== table.name && planned.has(fk.referencedTable)),
        selfReferences: outgoing.filter((fk) => fk.referencedTable === table.name),
        keep: definition.keep[table.name],
        files: definition.files
          .filter((entry) => entry.table === table.name)
          .map(({ pathColumn, countAs }) => ({ pathColumn, countAs })),
        hasChildTables: table.hasChildTables,
      };
    });

  return { tenantColumn: definition.tenantColumn, tables: childrenFirst(tables, catalog.foreignKeys) };
}

/** Kahn's order over "is referenced by", alphabetical among equals so that a plan is the same on every start. */
function childrenFirst(tables: PlannedTable[], foreignKeys: CatalogForeignKey[]): PlannedTable[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  /** parent -> planned tables referencing it that are not yet ordered */
  const children = new Map(tables.map((table) => [table.name, new Set<string>()]));
  for (const fk of foreignKeys) {
    if (fk.table !== fk.referencedTable && byName.has(fk.table) && byName.has(fk.referencedTable)) {
      children.get(fk.referencedTable)!.add(fk.table);
    }
  }

  const ordered: PlannedTable[] = [];
  const ready = tables.filter((table) => children.get(table.name)!.size === 0).map((table) => table.name);
  ready.sort();
  while (ready.length > 0) {
    const name = ready.shift()!;
    ordered.push(byName.get(name)!);
    for (const [parent, waiting] of children) {
      if (waiting.delete(name) && waiting.size === 0) {
        ready.push(parent);
        ready.sort();
      }
    }
  }

  if (ordered.length < tables.length) {
    const cycle = findCycle(new Map([...children].filter(([, waiting]) => waiting.size > 0)));
    throw new KitPlanError(
      cycle,
      `foreign keys form a cycle between different tables: ${[...cycle, cycle[0]].join(' -> ')} ` +
        '(each references the next), so no delete order keeps them valid; drop or redirect one of these ' +
        'foreign keys, or exclude one of the tables with a reason',
    );
  }
  return ordered;
}

/**
 * Every table left unordered still waits for a child that is also left, so walking from any of them
 * to a waiting child must revisit a table: the walk's loop is a cycle. Returned in reference order,
 * starting at its alphabetically first table so that the message is stable.
 */
function findCycle(waiting: Map<string, Set<string>>): string[] {
  const walk: string[] = [];
  let current = [...waiting.keys()].sort()[0];
  while (!walk.includes(current)) {
    walk.push(current);
    current = [...waiting.get(current)!].sort()[0];
  }
  const cycle = walk.slice(walk.indexOf(current)).reverse();
  const first = cycle.indexOf([...cycle].sort()[0]);
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
