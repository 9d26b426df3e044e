import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { Counts } from './deletion-counts';
import { addCounts } from './deletion-counts';
import type { DeletionPlan, PlannedTable } from './deletion-plan';
import type { DeletionRun, DeletionRuns } from './deletion-runs';
import { deleteAllStatement, deleteBatchStatement, fileColumnAlias } from './deletion-statements';
import type { FaultInjector } from './faults';
import { SimulatedCrash } from './faults';
import type { LegalHolds } from './legal-holds';
import type { TenantFiles } from './tenant-files';

/**
 * Deletes a tenant's rows in the plan's order, on a connection that holds the tenant's lock. A small
 * tenant goes in one transaction (all or nothing); a large one in batches, each committed together with
 * the run's progress so that a crash loses nothing and the next attempt carries on. Files are unlinked
 * inside the transaction that deletes the rows naming them, before it commits, so a row never
 * disappears while its file stays.
 */

export interface ExecutorSettings {
  singleTransactionMaxRows: number;
  batchSize: number;
}

export type ExecutionOutcome =
  | { kind: 'finished'; counts: Counts }
  /** A legal hold was placed: nothing more is deleted, the run stays open. */
  | { kind: 'held'; counts: Counts }
  /** The service is shutting down: the run stays open for the next attempt. */
  | { kind: 'stopped'; counts: Counts };

export interface ExecutionContext {
  client: pg.PoolClient;
  run: DeletionRun;
  /** Rows still to delete, as just counted: decides one transaction or batches. */
  remainingRows: number;
  shouldStop: () => boolean;
  log: FastifyBaseLogger;
}

export class DeletionExecutor {
  constructor(
    private readonly plan: DeletionPlan,
    private readonly files: TenantFiles | undefined,
    private readonly runs: DeletionRuns,
    private readonly holds: LegalHolds,
    private readonly faults: FaultInjector,
    private readonly settings: ExecutorSettings,
  ) {}

  async execute(context: ExecutionContext): Promise<ExecutionOutcome> {
    if (await this.holds.isHeld(context.client, context.run.tenantId)) {
      return { kind: 'held', counts: context.run.deletedCounts };
    }
    return context.remainingRows <= this.settings.singleTransactionMaxRows
      ? this.inOneTransaction(context)
      : this.inBatches(context);
  }

  private async inOneTransaction({ client, run, log }: ExecutionContext): Promise<ExecutionOutcome> {
    const counts = await this.transaction(client, async () => {
      let deleted: Counts = {};
      for (const table of this.plan.tables) {
        deleted = addCounts(
          deleted,
          await this.deleteRows(client, table, deleteAllStatement(this.plan, table), [run.tenantId]),
        );
      }
      const total = addCounts(run.deletedCounts, deleted);
      await this.runs.recordProgress(client, run.runId, total);
      return total;
    });
    log.info({ runId: run.runId, mode: 'single-transaction' }, 'tenant rows deleted');
    return { kind: 'finished', counts };
  }

  private async inBatches({ client, run, shouldStop, log }: ExecutionContext): Promise<ExecutionOutcome> {
    let counts = run.deletedCounts;
    let committedBatches = 0;
    for (const table of this.plan.tables) {
      for (;;) {
        if (shouldStop()) return { kind: 'stopped', counts };
        if (await this.holds.isHeld(client, run.tenantId)) return { kind: 'held', counts };
        const before = counts;
        counts = await this.transaction(client, async () => {
          const deleted = await this.deleteRows(client, table, deleteBatchStatement(this.plan, table), [
            run.tenantId,
            this.settings.batchSize,
          ]);
          const total = addCounts(before, deleted);
          if (deleted[table.name] > 0) await this.runs.recordProgress(client, run.runId, total);
          return total;
        });
        const deleted = counts[table.name] - before[table.name];
        if (deleted > 0) {
          committedBatches += 1;
          log.debug({ runId: run.runId, table: table.name, deleted, committedBatches }, 'batch committed');
          if (this.faults.crashDue(committedBatches)) throw new SimulatedCrash(committedBatches);
        }
        if (table.selfReferences.length === 0 ? deleted < this.settings.batchSize : deleted === 0) break;
      }
      if (table.selfReferences.length > 0) counts = await this.remainingOfSelfReferencing(client, table, run, counts);
    }
    log.info({ runId: run.runId, mode: 'batches', committedBatches }, 'tenant rows deleted');
    return { kind: 'finished', counts };
  }

  /**
   * Leaves-first batches stall only on rows that reference each other in a loop (or a row of another
   * tenant): one statement takes whatever is left, which a loop allows and a foreign tenant's row refuses.
   */
  private async remainingOfSelfReferencing(
    client: pg.PoolClient,
    table: PlannedTable,
    run: DeletionRun,
    counts: Counts,
  ): Promise<Counts> {
    return this.transaction(client, async () => {
      const deleted = await this.deleteRows(client, table, deleteAllStatement(this.plan, table), [run.tenantId]);
      if (deleted[table.name] === 0) return counts;
      const total = addCounts(counts, deleted);
      await this.runs.recordProgress(client, run.runId, total);
      return total;
    });
  }

  /** Runs one delete statement of a table, unlinking the files its deleted rows named. */
  private async deleteRows(
    client: pg.PoolClient,
    table: PlannedTable,
    statement: string,
    values: unknown[],
  ): Promise<Counts> {
    const result = await client.query<Record<string, string | null>>(statement, values);
    const deleted: Counts = { [table.name]: result.rowCount ?? 0 };
    for (const [i, file] of table.files.entries()) {
      deleted[file.countAs] = 0;
      for (const row of result.rows) {
        const relativePath = row[fileColumnAlias(i)];
        if (relativePath && (await this.files!.remove(relativePath, { table: table.name, column: file.pathColumn }))) {
          deleted[file.countAs] += 1;
        }
      }
    }
    return deleted;
  }

  private async transaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
