import type pg from 'pg';
import type { Counts } from './deletion-counts';
import { zeroCounts } from './deletion-counts';
import type { DeletionPlan, PlannedTable } from './deletion-plan';
import { countStatement, fileColumnAlias, filePathsStatement } from './deletion-statements';
import type { TenantFiles } from './tenant-files';

/**
 * What a tenant has in the service right now: rows per planned table and files per `countAs`. It is
 * the preview's answer, and what a deletion measures to choose one transaction, batches or a job.
 */

export interface TenantDataCount {
  counts: Counts;
  /** Rows only: what the size thresholds compare against. */
  rows: number;
}

export class TenantDataCounter {
  constructor(
    private readonly plan: DeletionPlan,
    private readonly files: TenantFiles | undefined,
  ) {}

  /**
   * Counts in one read-only snapshot, so that the numbers add up even while rows change. Every deletion
   * counts first, and a file path outside the tenant's directory throws here (KitFileError): a deletion,
   * batched or not, is refused before it deletes anything.
   */
  async count(client: pg.PoolClient, tenantId: string): Promise<TenantDataCount> {
    const counts = zeroCounts(this.plan);
    let rows = 0;
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      for (const table of this.plan.tables) {
        const result = await client.query<{ n: string }>(countStatement(this.plan, table), [tenantId]);
        counts[table.name] = Number(result.rows[0].n);
        rows += counts[table.name];
        if (table.files.length > 0 && counts[table.name] > 0) await this.countFiles(client, table, tenantId, counts);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return { counts, rows };
  }

  private async countFiles(client: pg.PoolClient, table: PlannedTable, tenantId: string, counts: Counts) {
    const { rows } = await client.query<Record<string, string | null>>(filePathsStatement(this.plan, table), [
      tenantId,
    ]);
    for (const row of rows) {
      for (const [i, file] of table.files.entries()) {
        const relativePath = row[fileColumnAlias(i)];
        const owner = { table: table.name, column: file.pathColumn };
        if (relativePath && (await this.files!.exists(tenantId, relativePath, owner))) {
          counts[file.countAs] += 1;
        }
      }
    }
  }
}
