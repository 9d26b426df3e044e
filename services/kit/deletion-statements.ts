import pg from 'pg';
import type { CatalogForeignKey } from './catalog';
import type { DeletionPlan, PlannedTable } from './deletion-plan';

/**
 * The SQL the plan turns into. Every statement takes the tenant id as $1 (and a batch size as $2);
 * table and column names come from the catalog and are quoted, so no value ever becomes SQL. The
 * only SQL written by hand is the service author's keep predicates.
 */

const quote = pg.escapeIdentifier;

/** `"schema"."relation"`: every statement names its table in full, so the search path never picks another. */
export function qualifiedName(table: { schema: string; relation: string }): string {
  return `${quote(table.schema)}.${quote(table.relation)}`;
}

/** The output names of file path columns in RETURNING and SELECT lists, in the order given. */
export function fileColumnAlias(index: number): string {
  return `kit_file_${index}`;
}

type RowCondition = (parent: PlannedTable, parentAlias: string, depth: number) => string;

/**
 * The condition that a row (under `alias`) is the tenant's. A direct table's tenant column says so. An
 * indirect table's row references a tenant's row through its owner path (the declared one, else its only
 * one), and, when it has other paths, none of them leads to another tenant's row: a row two tenants'
 * paths reach is never deleted. A row reaching a tenant's row through a declared CASCADE goes regardless,
 * as Postgres would delete it anyway. Parents are still there when a child is deleted (children go
 * first), so the chain can always be followed.
 */
export function membership(plan: DeletionPlan, table: PlannedTable, alias: string, depth = 0): string {
  if (table.clears) return clearedRows(plan, table, alias, depth);
  const isTenants: RowCondition = (parent, parentAlias, next) => membership(plan, parent, parentAlias, next);
  const isOtherTenants: RowCondition = (parent, parentAlias, next) => otherTenant(plan, parent, parentAlias, next);

  const conditions: string[] = [];
  if (table.reach === 'direct') {
    // NULL (shared, city-wide) never equals $1, so those rows are never the tenant's.
    conditions.push(`${quote(alias)}.${quote(plan.tenantColumn)} = $1`);
  } else {
    const paths = table.via.filter((fk) => !table.cascades.includes(fk));
    const owners = table.owner ? [table.owner] : paths;
    if (owners.length > 0) {
      conditions.push(anyOf(owners.map((fk) => throughKey(plan, fk, alias, depth, isTenants))));
      for (const fk of paths.filter((path) => owners.length > 1 || path !== owners[0])) {
        conditions.push(`NOT ${throughKey(plan, fk, alias, depth, isOtherTenants)}`);
      }
    }
  }
  // A predicate that is NULL does not keep its row: only rows it names outright are shared.
  if (table.keep !== undefined && conditions.length > 0) conditions.push(`(${table.keep}) IS NOT TRUE`);
  if (table.cascades.length === 0) return conditions.join(' AND ');
  const cascaded = table.cascades.map((fk) => throughKey(plan, fk, alias, depth, isTenants));
  return anyOf(conditions.length > 0 ? [`(${conditions.join(' AND ')})`, ...cascaded] : cascaded);
}

/** The row belongs to a tenant other than $1: its tenant column names another, or any of its paths leads to one. */
function otherTenant(plan: DeletionPlan, table: PlannedTable, alias: string, depth: number): string {
  if (table.reach === 'direct') return `${quote(alias)}.${quote(plan.tenantColumn)} <> $1`;
  const isOtherTenants: RowCondition = (parent, parentAlias, next) => otherTenant(plan, parent, parentAlias, next);
  return anyOf(table.via.map((fk) => throughKey(plan, fk, alias, depth, isOtherTenants)));
}

/**
 * A clearing step's rows: they reference a tenant's row through the cleared key and are not themselves the
 * tenant's (those are deleted, by then, not cleared).
 */
function clearedRows(plan: DeletionPlan, step: PlannedTable, alias: string, depth: number): string {
  const fk = step.clears!;
  const reached = throughKey(plan, fk, alias, depth, (parent, parentAlias, next) =>
    membership(plan, parent, parentAlias, next),
  );
  const own = plan.tables.find((table) => table.name === fk.table && !table.clears);
  return own ? `${reached} AND (${membership(plan, own, alias, depth)}) IS NOT TRUE` : reached;
}

/** A row of the key's referenced table, joined to the row under `alias`, for which `condition` holds. */
function throughKey(
  plan: DeletionPlan,
  fk: CatalogForeignKey,
  alias: string,
  depth: number,
  condition: RowCondition,
): string {
  const parent = plan.tables.find((candidate) => candidate.name === fk.referencedTable && !candidate.clears)!;
  const parentAlias = `t${depth + 1}`;
  const joins = fk.columns.map(
    (column, i) => `${quote(parentAlias)}.${quote(fk.referencedColumns[i])} = ${quote(alias)}.${quote(column)}`,
  );
  return (
    `EXISTS (SELECT 1 FROM ${qualifiedName(parent)} AS ${quote(parentAlias)} ` +
    `WHERE ${[...joins, condition(parent, parentAlias, depth + 1)].join(' AND ')})`
  );
}

function anyOf(conditions: string[]): string {
  return conditions.length === 1 ? conditions[0] : `(${conditions.join(' OR ')})`;
}

export function countStatement(plan: DeletionPlan, table: PlannedTable): string {
  return `SELECT count(*) AS n FROM ${qualifiedName(table)} AS "t0" WHERE ${membership(plan, table, 't0')}`;
}

/** The file paths of the tenant's rows, one output column per files entry of the table. */
export function filePathsStatement(plan: DeletionPlan, table: PlannedTable): string {
  const columns = table.files.map((file, i) => `"t0".${quote(file.pathColumn)} AS ${quote(fileColumnAlias(i))}`);
  return `SELECT ${columns.join(', ')} FROM ${qualifiedName(table)} AS "t0" WHERE ${membership(plan, table, 't0')}`;
}

/** Deleted rows hand back the paths of the files they named, to be unlinked before the deletion commits. */
function returning(table: PlannedTable): string {
  if (table.files.length === 0) return '';
  const columns = table.files.map((file, i) => `${quote(file.pathColumn)} AS ${quote(fileColumnAlias(i))}`);
  return ` RETURNING ${columns.join(', ')}`;
}

/**
 * All of the tenant's rows of a table in one statement. Foreign keys are checked at the end of the
 * statement, so rows of a self-referencing table that reference each other go together.
 */
export function deleteAllStatement(plan: DeletionPlan, table: PlannedTable): string {
  if (table.clears)
    return `UPDATE ${qualifiedName(table)} AS "t0" SET ${clearing(table.clears)} WHERE ${membership(plan, table, 't0')}`;
  return `DELETE FROM ${qualifiedName(table)} AS "t0" WHERE ${membership(plan, table, 't0')}${returning(table)}`;
}

/**
 * At most $2 of the tenant's rows. In a self-referencing table only rows no other row references yet
 * (leaves) are taken, so each batch commits on its own without breaking a foreign key; parents become
 * leaves in later batches.
 */
export function deleteBatchStatement(plan: DeletionPlan, table: PlannedTable): string {
  const leavesOnly = table.selfReferences.map((fk) => {
    const joins = fk.columns.map((column, i) => `"child".${quote(column)} = "t0".${quote(fk.referencedColumns[i])}`);
    return ` AND NOT EXISTS (SELECT 1 FROM ${qualifiedName(table)} AS "child" WHERE ${joins.join(' AND ')})`;
  });
  const where = `${membership(plan, table, 't0')}${leavesOnly.join('')}`;
  // ctid alone is ambiguous across child tables; elsewhere a tid array keeps the batch a TID scan.
  const target = table.hasChildTables
    ? `(tableoid, ctid) IN (SELECT "t0".tableoid, "t0".ctid FROM ${qualifiedName(table)} AS "t0" WHERE ${where} LIMIT $2)`
    : `ctid = ANY(ARRAY(SELECT "t0".ctid FROM ${qualifiedName(table)} AS "t0" WHERE ${where} LIMIT $2))`;
  if (table.clears) return `UPDATE ${qualifiedName(table)} SET ${clearing(table.clears)} WHERE ${target}`;
  return `DELETE FROM ${qualifiedName(table)} WHERE ${target}${returning(table)}`;
}

/** What Postgres would do to the referencing columns: a clearing step does it first, counted. */
function clearing(fk: CatalogForeignKey): string {
  const value = fk.onDelete === 'set default' ? 'DEFAULT' : 'NULL';
  return fk.columns.map((column) => `${quote(column)} = ${value}`).join(', ');
}
