import pg from 'pg';
import type { DeletionPlan, PlannedTable } from './deletion-plan';

/**
 * The SQL the plan turns into. Every statement takes the tenant id as $1 (and a batch size as $2);
 * table and column names come from the catalog and are quoted, so no value ever becomes SQL. The
 * only SQL written by hand is the service author's keep predicates.
 */

const quote = pg.escapeIdentifier;

/** The output names of file path columns in RETURNING and SELECT lists, in the order given. */
export function fileColumnAlias(index: number): string {
  return `kit_file_${index}`;
}

/**
 * The condition that a row (under `alias`) is the tenant's: its tenant column says so, or it references
 * a tenant's row through one of its foreign keys, recursively. Parents are still there when a child is
 * deleted (children go first), so the chain can always be followed.
 */
export function membership(plan: DeletionPlan, table: PlannedTable, alias: string, depth = 0): string {
  const conditions: string[] = [];
  if (table.reach === 'direct') {
    // NULL (shared, city-wide) never equals $1, so those rows are never the tenant's.
    conditions.push(`${quote(alias)}.${quote(plan.tenantColumn)} = $1`);
  } else {
    const parentAlias = `t${depth + 1}`;
    const paths = table.via.map((fk) => {
      const parent = plan.tables.find((candidate) => candidate.name === fk.referencedTable)!;
      const joins = fk.columns.map(
        (column, i) => `${quote(parentAlias)}.${quote(fk.referencedColumns[i])} = ${quote(alias)}.${quote(column)}`,
      );
      return (
        `EXISTS (SELECT 1 FROM ${quote(parent.name)} AS ${quote(parentAlias)} ` +
        `WHERE ${[...joins, membership(plan, parent, parentAlias, depth + 1)].join(' AND ')})`
      );
    });
    conditions.push(paths.length === 1 ? paths[0] : `(${paths.join(' OR ')})`);
  }
  // A predicate that is NULL does not keep its row: only rows it names outright are shared.
  if (table.keep !== undefined) conditions.push(`(${table.keep}) IS NOT TRUE`);
  return conditions.join(' AND ');
}

export function countStatement(plan: DeletionPlan, table: PlannedTable): string {
  return `SELECT count(*) AS n FROM ${quote(table.name)} AS "t0" WHERE ${membership(plan, table, 't0')}`;
}

/** The file paths of the tenant's rows, one output column per files entry of the table. */
export function filePathsStatement(plan: DeletionPlan, table: PlannedTable): string {
  const columns = table.files.map((file, i) => `"t0".${quote(file.pathColumn)} AS ${quote(fileColumnAlias(i))}`);
  return `SELECT ${columns.join(', ')} FROM ${quote(table.name)} AS "t0" WHERE ${membership(plan, table, 't0')}`;
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
  return `DELETE FROM ${quote(table.name)} AS "t0" WHERE ${membership(plan, table, 't0')}${returning(table)}`;
}

/**
 * At most $2 of the tenant's rows. In a self-referencing table only rows no other row references yet
 * (leaves) are taken, so each batch commits on its own without breaking a foreign key; parents become
 * leaves in later batches.
 */
export function deleteBatchStatement(plan: DeletionPlan, table: PlannedTable): string {
  const leavesOnly = table.selfReferences.map((fk) => {
    const joins = fk.columns.map((column, i) => `"child".${quote(column)} = "t0".${quote(fk.referencedColumns[i])}`);
    return ` AND NOT EXISTS (SELECT 1 FROM ${quote(table.name)} AS "child" WHERE ${joins.join(' AND ')})`;
  });
  const where = `${membership(plan, table, 't0')}${leavesOnly.join('')}`;
  // ctid alone is ambiguous across child tables; elsewhere a tid array keeps the batch a TID scan.
  const target = table.hasChildTables
    ? `(tableoid, ctid) IN (SELECT "t0".tableoid, "t0".ctid FROM ${quote(table.name)} AS "t0" WHERE ${where} LIMIT $2)`
    : `ctid = ANY(ARRAY(SELECT "t0".ctid FROM ${quote(table.name)} AS "t0" WHERE ${where} LIMIT $2))`;
  return `DELETE FROM ${quote(table.name)} WHERE ${target}${returning(table)}`;
}
