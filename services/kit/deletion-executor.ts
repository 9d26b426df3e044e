import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { Counts } from './deletion-counts';
import { addCounts } from './deletion-counts';
import type { DeletionPlan, PlannedTable } from './deletion-plan';
import type { DeletionRun, DeletionRuns } from './deletion-runs';
import { deleteAllStatement, deleteBatchStatement } from './deletion-statements';
import type { FaultInjector } from './faults';
import { SimulatedCrash } from './faults';
import type { FileOutbox } from './file-outbox';
import type { LegalHolds } from './legal-holds';

/**
 * Deletes a tenant's rows in the plan's order, on a connection that holds the tenant's lock. A small
 * tenant goes in one transaction (all or nothing); a large one in batches, each committed together with
 * the run's progress so that a crash loses nothing and the next attempt carries on. The files of
 * deleted rows are recorded in the transaction that deletes the rows and unlinked once it has committed
 * (file-outbox.ts): a rollback keeps both, and a crash in between is finished by the next attempt.
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
    private readonly outbox: FileOutbox | undefined,
    private readonly runs: DeletionRuns,
    private readonly holds: LegalHolds,
    /** The test-support fault knobs, when the service was given them. */
    private readonly faults: FaultInjector | undefined,
    private readonly settings: ExecutorSettings,
  ) {}

  async execute(context: ExecutionContext): Promise<ExecutionOutcome> {
    if (await this.holds.isHeld(context.client, context.run.tenantId)) {
      return { kind: 'held', counts: context.run.deletedCounts };
    }
    // Removals an earlier attempt committed but did not finish (it crashed after its commit).
    await this.removeFiles(context.client, context.run);
    return context.remainingRows <= this.settings.singleTransactionMaxRows
      ? this.inOneTransaction(context)
      : this.inBatches(context);
  }

  private async inOneTransaction({ client, run, log }: ExecutionContext): Promise<ExecutionOutcome> {
    const counts = await this.transaction(client, run, async () => {
      let deleted: Counts = {};
      for (const table of this.plan.tables) {
        deleted = addCounts(
          deleted,
          await this.deleteRows(client, run, table, deleteAllStatement(this.plan, table), [run.tenantId]),
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
        counts = await this.transaction(client, run, async () => {
          const deleted = await this.deleteRows(client, run, table, deleteBatchStatement(this.plan, table), [
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
          if (this.faults?.crashDue(committedBatches)) {
            throw new SimulatedCrash(`after ${committedBatches} committed batches`);
          }
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
    return this.transaction(client, run, async () => {
      const deleted = await this.deleteRows(client, run, table, deleteAllStatement(this.plan, table), [run.tenantId]);
      if (deleted[table.name] === 0) return counts;
      const total = addCounts(counts, deleted);
      await this.runs.recordProgress(client, run.runId, total);
      return total;
    });
  }

  /** Runs one delete statement of a table; the files its deleted rows named are recorded, to go after the commit. */
  private async deleteRows(
    client: pg.PoolClient,
    run: DeletionRun,
    table: PlannedTable,
    statement: string,
    values: unknown[],
  ): Promise<Counts> {
    const result = await client.query<Record<string, string | null>>(statement, values);
    const deleted: Counts = { [table.name]: result.rowCount ?? 0 };
    if (table.files.length === 0) return deleted;
    return { ...deleted, ...(await this.outbox!.record(client, run, table, result.rows)) };
  }

  /** The files get unlinked only once their rows' deletion has committed: never for a rollback. */
  private async transaction<T>(client: pg.PoolClient, run: DeletionRun, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    let result: T;
    try {
      result = await work();
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await this.removeFiles(client, run);
    return result;
  }

  private async removeFiles(client: pg.PoolClient, run: DeletionRun): Promise<void> {
    if (this.outbox === undefined) return;
    await this.outbox.drain(client, run.tenantId, () => {
      if (this.faults?.settings.crashBeforeFileRemoval) {
        throw new SimulatedCrash('after a commit, before the files it recorded were unlinked');
      }
    });
  }
}
