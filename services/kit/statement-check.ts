import type pg from 'pg';
import type { DeletionPlan } from './deletion-plan';
import { countStatement, deleteAllStatement, deleteBatchStatement, filePathsStatement } from './deletion-statements';
import { KitDefinitionError } from './service-definition';

/**
 * Plans every statement the kit will run against the live schema at start-up, so that a keep predicate
 * that does not parse, or a column of the wrong type, stops the service now rather than failing the
 * first deletion. EXPLAIN plans without running anything; NULL parameters fit any column type.
 */
export async function checkStatements(db: pg.Pool, plan: DeletionPlan): Promise<void> {
  for (const table of plan.tables) {
    const statements: [string, null[]][] = [
      [countStatement(plan, table), [null]],
      [deleteAllStatement(plan, table), [null]],
      [deleteBatchStatement(plan, table), [null, null]],
      ...(table.files.length > 0 ? [[filePathsStatement(plan, table), [null]] as [string, null[]]] : []),
    ];
    for (const [statement, parameters] of statements) {
      try {
        await db.query(`EXPLAIN ${statement}`, parameters);
      } catch (error) {
        const hint = table.keep === undefined ? '' : ' (check its keep predicate)';
        throw new KitDefinitionError(
          `the deletion statements of table "${table.name}" do not run${hint}: ${(error as Error).message}`,
        );
      }
    }
  }
}
