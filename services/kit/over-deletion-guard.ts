import type { CatalogForeignKey, ColumnType, SchemaCatalog } from './catalog';
import type { DeletionPlan, PlannedTable } from './deletion-plan';
import { declaredCascades, resolveOwnerPath } from './deletion-plan';
import type { ServiceDefinition } from './service-definition';

/**
 * The start-up check that a deletion can never take rows that are not the tenant's. The coverage guard
 * makes sure nothing is left behind; this one refuses what could reach too far:
 *
 * - an indirect table whose foreign keys could lead to different tenants (a purchase order line of
 *   tenant A naming a product of tenant B), unless `ownerPaths` says which key decides;
 * - an ON DELETE CASCADE / SET NULL / SET DEFAULT key into a deleted table, which Postgres would follow
 *   inside the kit's DELETE, unplanned and uncounted, into another tenant's rows too, unless
 *   `plannedCascades` names it (the kit then deletes or clears those rows itself and counts them);
 * - a tenant column whose equality is not identity (citext, a case-insensitive collation): deleting
 *   `acme` would take `ACME` too.
 */

export class KitOverDeletionError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the deletion could take rows that are not the tenant's:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'KitOverDeletionError';
  }
}

const CLEARING_ACTIONS = ['cascade', 'set null', 'set default'];
/** Types whose `=` is identity, so `tenant_id = $1` matches exactly one tenant's rows. */
const TEXT_TYPES = ['text', 'varchar', 'bpchar'];
const EXACT_TYPES = [...TEXT_TYPES, 'uuid', 'int2', 'int4', 'int8'];

export function checkOverDeletion(catalog: SchemaCatalog, definition: ServiceDefinition, plan: DeletionPlan): void {
  const problems = [
    ...ownerPathProblems(catalog, definition, plan),
    ...plannedCascadeProblems(catalog, definition, plan),
    ...ambiguousTables(plan),
    ...unplannedCascades(catalog, definition, plan),
    ...tenantColumnProblems(catalog, plan),
  ];
  if (problems.length > 0) throw new KitOverDeletionError(problems);
}

function ownerPathProblems(catalog: SchemaCatalog, definition: ServiceDefinition, plan: DeletionPlan): string[] {
  const problems: string[] = [];
  for (const [name, ownerPath] of Object.entries(definition.ownerPaths)) {
    const table = tableOf(plan, name);
    if (!catalog.tables.some((candidate) => candidate.name === name)) {
      problems.push(`ownerPaths names table "${name}", which does not exist`);
    } else if (!table) {
      problems.push(
        `ownerPaths names table "${name}", which is not deleted from (it holds no tenant data or is excluded)`,
      );
    } else if (table.reach === 'direct') {
      problems.push(
        `ownerPaths names table "${name}", which has the tenant column "${plan.tenantColumn}": that decides`,
      );
    } else if (!resolveOwnerPath(ownerPath, table.via)) {
      problems.push(
        `ownerPaths names "${ownerPath}" for table "${name}", which is not one of its paths to a tenant; name the ` +
          `foreign key or the table it references: ${table.via.map((fk) => `${fk.name} (to "${fk.referencedTable}")`).join(', ')}`,
      );
    }
  }
  return problems;
}

function plannedCascadeProblems(catalog: SchemaCatalog, definition: ServiceDefinition, plan: DeletionPlan): string[] {
  const declared = declaredCascades(catalog, definition);
  const problems: string[] = [];
  for (const entry of definition.plannedCascades) {
    const fk = declared.find((candidate) => candidate.table === entry.table && candidate.name === entry.foreignKey);
    const named = `plannedCascades names foreign key ${entry.foreignKey} of table "${entry.table}"`;
    if (!fk) problems.push(`${named}, which does not exist`);
    else if (!CLEARING_ACTIONS.includes(fk.onDelete)) {
      problems.push(`${named}, which is ON DELETE ${fk.onDelete.toUpperCase()}: there is nothing to plan`);
    } else if (!tableOf(plan, fk.referencedTable)) {
      problems.push(`${named}, which references "${fk.referencedTable}", a table the kit does not delete from`);
    } else if (fk.onDelete === 'cascade' && fk.table === fk.referencedTable) {
      problems.push(
        `${named}, which cascades from the table to itself: it would take another tenant's rows hanging below ` +
          "a tenant's row, and the kit cannot count them; make it ON DELETE NO ACTION",
      );
    } else if (fk.onDelete === 'cascade' && !tableOf(plan, fk.table)) {
      problems.push(`${named}, whose rows would be deleted with the tenant's but the table is excluded: plan it`);
    }
  }
  return problems;
}

/** Indirect tables with more than one undecided path to a tenant, each named with its paths. */
function ambiguousTables(plan: DeletionPlan): string[] {
  const problems: string[] = [];
  for (const table of plan.tables) {
    const paths = table.via.filter((fk) => !table.cascades.includes(fk));
    if (table.clears || table.owner || paths.length < 2) continue;
    problems.push(
      `table "${table.name}" reaches tenant rows through ${paths.length} foreign key paths that could lead to ` +
        `different tenants (${paths.map((fk) => pathOf(plan, fk)).join('; ')}): declare the one that decides ` +
        `whose a row is in ownerPaths, e.g. ownerPaths: { ${JSON.stringify(table.name)}: ` +
        `${JSON.stringify(paths[0].referencedTable)} }; a row then goes only when reached through it and no other ` +
        "path leads to another tenant's row",
    );
  }
  return problems;
}

/** `stock_movements.batch_id -> stock_batches.product_id -> products.tenant_id`: the path a foreign key starts. */
function pathOf(plan: DeletionPlan, fk: CatalogForeignKey): string {
  const steps = [`${fk.table}.${fk.columns.join(',')}`];
  let parent = tableOf(plan, fk.referencedTable);
  while (parent && parent.reach === 'indirect' && steps.length < 10) {
    const next: CatalogForeignKey = parent.owner ?? parent.via[0];
    steps.push(`${parent.name}.${next.columns.join(',')}`);
    parent = tableOf(plan, next.referencedTable);
  }
  steps.push(`${parent?.name ?? fk.referencedTable}.${plan.tenantColumn}`);
  return steps.join(' -> ');
}

function unplannedCascades(catalog: SchemaCatalog, definition: ServiceDefinition, plan: DeletionPlan): string[] {
  const declared = new Set(declaredCascades(catalog, definition));
  return catalog.foreignKeys
    .filter((fk) => CLEARING_ACTIONS.includes(fk.onDelete) && !declared.has(fk) && tableOf(plan, fk.referencedTable))
    .map((fk) => {
      const effect = fk.onDelete === 'cascade' ? 'delete' : `set to ${fk.onDelete.slice(4).toUpperCase()}`;
      return (
        `foreign key ${fk.name} of table "${fk.table}" is ON DELETE ${fk.onDelete.toUpperCase()} into ` +
        `"${fk.referencedTable}", which the kit deletes from: Postgres would ${effect} the "${fk.table}" rows ` +
        "referencing a tenant's rows, another tenant's included, unplanned and uncounted; make it ON DELETE NO " +
        'ACTION (the kit deletes children first), or declare it in plannedCascades: ' +
        `{ table: ${JSON.stringify(fk.table)}, foreignKey: ${JSON.stringify(fk.name)} } to have the kit do it and count it`
      );
    });
}

function tenantColumnProblems(catalog: SchemaCatalog, plan: DeletionPlan): string[] {
  const problems: string[] = [];
  for (const table of plan.tables) {
    if (table.reach !== 'direct' || table.clears) continue;
    const column = catalog.tables.find((candidate) => candidate.name === table.name)?.columnTypes[plan.tenantColumn];
    const why = column && inexactBecause(column);
    if (why) problems.push(`table "${table.name}": its tenant column "${plan.tenantColumn}" ${why}`);
  }
  return problems;
}

/** Why `column = $1` could match another tenant's id, or undefined when it cannot. */
export function inexactBecause(column: ColumnType): string | undefined {
  const remedy =
    'change it to text, varchar or char with a deterministic collation (e.g. "C" or "default"), uuid, or an integer type';
  if (column.type === 'citext') {
    return `is citext, which compares case-insensitively: deleting tenant "acme" would delete "ACME" too; ${remedy}`;
  }
  if (!EXACT_TYPES.includes(column.type)) {
    return `is of type ${column.type}, not one whose equality is identity; ${remedy}`;
  }
  if (TEXT_TYPES.includes(column.type) && !column.deterministic) {
    return (
      `has the nondeterministic collation "${column.collation}" (case- or accent-insensitive), under which ` +
      `different tenant ids can be equal; ${remedy}`
    );
  }
  return undefined;
}

function tableOf(plan: DeletionPlan, name: string): PlannedTable | undefined {
  return plan.tables.find((table) => table.name === name && !table.clears);
}
