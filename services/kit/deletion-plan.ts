import type { CatalogForeignKey, CatalogTable, SchemaCatalog } from './catalog';
import { KIT_TABLES } from './kit-tables';
import type { ServiceDefinition } from './service-definition';

/**
 * Which tables hold a tenant's rows and in which order they go, derived from the schema alone:
 * tables with the tenant column hold them directly, tables reaching such a table through foreign keys
 * (order_items -> orders -> tenant) hold them indirectly, and every table is deleted before the tables
 * it references so that no foreign key is ever violated.
 */

export interface PlannedTable {
  /** The table's key (catalog.ts), and the key its rows are counted under; for a clearing step, its own key. */
  name: string;
  schema: string;
  relation: string;
  /** 'direct': the row's tenant column names the tenant; 'indirect': the row references a tenant's row. */
  reach: 'direct' | 'indirect';
  /** For indirect tables: the foreign keys to other planned tables, the paths by which a row may be the tenant's. */
  via: CatalogForeignKey[];
  /** The declared owner path (ownerPaths): the one of `via` that decides whose a row is. */
  owner?: CatalogForeignKey;
  /** Declared ON DELETE CASCADE keys into planned tables: a row reaching a tenant's row through one goes regardless. */
  cascades: CatalogForeignKey[];
  /**
   * Set on a clearing step, not a table: a declared ON DELETE SET NULL / SET DEFAULT key whose rows
   * referencing the tenant's rows the kit clears itself (an UPDATE, counted) before those rows go.
   */
  clears?: CatalogForeignKey;
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

  const declared = declaredCascades(catalog, definition).filter((fk) => planned.has(fk.referencedTable));
  const tables = candidates
    .filter((table) => planned.has(table.name))
    .map((table): PlannedTable => {
      const direct = table.columns.includes(definition.tenantColumn);
      const outgoing = catalog.foreignKeys.filter((fk) => fk.table === table.name);
      const via = direct
        ? []
        : outgoing.filter((fk) => fk.referencedTable !== table.name && planned.has(fk.referencedTable));
      const ownerPath = definition.ownerPaths[table.name];
      return {
        name: table.name,
        schema: table.schema,
        relation: table.relation,
        reach: direct ? 'direct' : 'indirect',
        via,
        owner: ownerPath === undefined ? undefined : resolveOwnerPath(ownerPath, via),
        cascades: declared.filter(
          (fk) => fk.table === table.name && fk.onDelete === 'cascade' && fk.referencedTable !== table.name,
        ),
        selfReferences: outgoing.filter((fk) => fk.referencedTable === table.name),
        keep: definition.keep[table.name],
        files: definition.files
          .filter((entry) => entry.table === table.name)
          .map(({ pathColumn, countAs }) => ({ pathColumn, countAs })),
        hasChildTables: table.hasChildTables,
      };
    });

  const steps = clearingSteps(catalog, declared);
  return {
    tenantColumn: definition.tenantColumn,
    tables: childrenFirst([...tables, ...steps], [...catalog.foreignKeys, ...stepEdges(steps, planned)]),
  };
}

/** The foreign key an ownerPaths entry names among a table's paths: by constraint name, or by the one key to that table. */
export function resolveOwnerPath(ownerPath: string, via: CatalogForeignKey[]): CatalogForeignKey | undefined {
  const byName = via.find((fk) => fk.name === ownerPath);
  if (byName) return byName;
  const toTable = via.filter((fk) => fk.referencedTable === ownerPath);
  return toTable.length === 1 ? toTable[0] : undefined;
}

/** The catalog's foreign keys that plannedCascades names (unknown names are the guard's to report). */
export function declaredCascades(catalog: SchemaCatalog, definition: ServiceDefinition): CatalogForeignKey[] {
  return catalog.foreignKeys.filter((fk) =>
    definition.plannedCascades.some((entry) => entry.table === fk.table && entry.foreignKey === fk.name),
  );
}

/** The count key of a clearing step: the referencing table and the key it clears. */
export function clearingStepName(fk: CatalogForeignKey): string {
  return `${fk.table}.${fk.columns.join('_')} (${fk.onDelete} by ${fk.name})`;
}

function clearingSteps(catalog: SchemaCatalog, declared: CatalogForeignKey[]): PlannedTable[] {
  const tables = new Map<string, CatalogTable>(catalog.tables.map((table) => [table.name, table]));
  return declared
    .filter((fk) => (fk.onDelete === 'set null' || fk.onDelete === 'set default') && tables.has(fk.table))
    .map((fk) => {
      const table = tables.get(fk.table)!;
      return {
        name: clearingStepName(fk),
        schema: table.schema,
        relation: table.relation,
        reach: 'indirect',
        via: [fk],
        clears: fk,
        cascades: [],
        selfReferences: [],
        files: [],
        hasChildTables: table.hasChildTables,
      };
    });
}

/**
 * A clearing step runs after the referencing table's own rows of the tenant went (they are deleted, not
 * cleared) and before the referenced rows go (else Postgres clears them uncounted).
 */
function stepEdges(steps: PlannedTable[], planned: Set<string>): CatalogForeignKey[] {
  return steps.flatMap((step) => {
    const fk = step.clears!;
    const edges = [{ ...fk, table: step.name }];
    if (planned.has(fk.table) && fk.table !== fk.referencedTable) edges.push({ ...fk, referencedTable: step.name });
    return edges;
  });
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
