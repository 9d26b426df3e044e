import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DeletionBody } from '@tenant-deletion/contract';
import type { Counts } from './deletion-counts';

/**
 * A deletion run: one tenant's deletion from its first attempt until it finishes, with the counts
 * deleted so far. Progress commits in the same transaction as the rows it counts, so after a crash the
 * next attempt resumes the same run and reports the total of all attempts. A run answered with 202 is
 * also the job its Location names (the job id is the run id).
 */

export type StopCode = 'LEGAL_HOLD' | 'FAILED';

export interface DeletionRun {
  runId: string;
  tenantId: string;
  status: 'running' | 'finished';
  background: boolean;
  deletedCounts: Counts;
  /** Why the last attempt stopped short, when it could say (a crash cannot). */
  stopCode: StopCode | null;
  stopMessage: string | null;
  result: DeletionBody | null;
  startedAt: Date;
  updatedAt: Date;
}

type Queryable = pg.Pool | pg.PoolClient;

interface RunRow {
  run_id: string;
  tenant_id: string;
  status: 'running' | 'finished';
  background: boolean;
  deleted_counts: Counts;
  stop_code: StopCode | null;
  stop_message: string | null;
  result: DeletionBody | null;
  started_at: Date;
  updated_at: Date;
}

function runOf(row: RunRow): DeletionRun {
  return {
    runId: row.run_id,
    tenantId: row.tenant_id,
    status: row.status,
    background: row.background,
    deletedCounts: row.deleted_counts,
    stopCode: row.stop_code,
    stopMessage: row.stop_message,
    result: row.result,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  };
}

export class DeletionRuns {
  async find(db: Queryable, runId: string): Promise<DeletionRun | undefined> {
    const { rows } = await db.query<RunRow>('SELECT * FROM kit_deletion_runs WHERE run_id = $1', [runId]);
    return rows[0] && runOf(rows[0]);
  }

  /** The tenant's unfinished run, if an earlier attempt left one. */
  async open(db: Queryable, tenantId: string): Promise<DeletionRun | undefined> {
    const { rows } = await db.query<RunRow>(
      "SELECT * FROM kit_deletion_runs WHERE tenant_id = $1 AND status = 'running'",
      [tenantId],
    );
    return rows[0] && runOf(rows[0]);
  }

  async create(db: Queryable, tenantId: string, background: boolean, counts: Counts): Promise<DeletionRun> {
    const { rows } = await db.query<RunRow>(
      `INSERT INTO kit_deletion_runs (run_id, tenant_id, status, background, deleted_counts)
       VALUES ($1, $2, 'running', $3, $4) RETURNING *`,
      [randomUUID(), tenantId, background, JSON.stringify(counts)],
    );
    return runOf(rows[0]);
  }

  /** A new attempt of an open run; a run that once had a Location keeps it, so pollers still find it. */
  async resume(db: Queryable, runId: string, background: boolean): Promise<DeletionRun> {
    const { rows } = await db.query<RunRow>(
      `UPDATE kit_deletion_runs
          SET background = background OR $2, stop_code = NULL, stop_message = NULL, updated_at = now()
        WHERE run_id = $1 RETURNING *`,
      [runId, background],
    );
    return runOf(rows[0]);
  }

  /** Called inside the transaction that deleted the rows these counts include. */
  async recordProgress(client: pg.PoolClient, runId: string, counts: Counts): Promise<void> {
    await client.query('UPDATE kit_deletion_runs SET deleted_counts = $2, updated_at = now() WHERE run_id = $1', [
      runId,
      JSON.stringify(counts),
    ]);
  }

  async finish(db: Queryable, runId: string, result: DeletionBody): Promise<void> {
    await db.query(
      `UPDATE kit_deletion_runs
          SET status = 'finished', result = $2, deleted_counts = $3, finished_at = now(), updated_at = now(),
              stop_code = NULL, stop_message = NULL
        WHERE run_id = $1`,
      [runId, JSON.stringify(result), JSON.stringify(result.deleted_counts)],
    );
  }

  async stop(db: Queryable, runId: string, code: StopCode, message: string): Promise<void> {
    await db.query(
      'UPDATE kit_deletion_runs SET stop_code = $2, stop_message = $3, updated_at = now() WHERE run_id = $1',
      [runId, code, message],
    );
  }

  /** A failure is reported to one poll; the next poll treats the run as interrupted and resumes it. */
  async clearStop(db: Queryable, runId: string): Promise<void> {
    await db.query('UPDATE kit_deletion_runs SET stop_code = NULL, stop_message = NULL WHERE run_id = $1', [runId]);
  }
}
