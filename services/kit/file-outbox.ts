import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { Counts } from './deletion-counts';
import type { PlannedTable } from './deletion-plan';
import { fileColumnAlias } from './deletion-statements';
import type { TenantFiles } from './tenant-files';
import type { TenantLocks } from './tenant-lock';

/**
 * The files of deleted rows go only once the rows are surely gone. Inside the deletion's transaction
 * each file is checked (it must lie in the tenant's directory), counted and recorded in
 * `kit_file_removals`; after COMMIT the recorded files are unlinked and their records removed. A
 * rollback takes the records with the rows, so the files stay. A crash between the commit and the
 * unlinks leaves records behind, which the tenant's next deletion, or the service's next start,
 * finishes; unlinking twice is harmless (a file already gone is skipped), counting twice cannot happen
 * because a file is counted once, when it is recorded, in the transaction that commits its row's deletion.
 */

type Queryable = pg.Pool | pg.PoolClient;

interface RemovalRow {
  id: string;
  path: string;
  source_table: string;
  source_column: string;
}

/** Records read and forgotten at a time, so that a tenant with many files never loads them all at once. */
const CHUNK = 500;

export class FileOutbox {
  constructor(private readonly files: TenantFiles) {}

  /**
   * Inside the transaction that deleted `rows` (its RETURNING list): records the files they named that
   * exist, and counts them per `countAs`. A path outside the tenant's directory throws KitFileError,
   * which rolls the transaction back.
   */
  async record(
    client: pg.PoolClient,
    run: { tenantId: string; runId: string },
    table: PlannedTable,
    rows: readonly Record<string, string | null>[],
  ): Promise<Counts> {
    const counts: Counts = {};
    const paths: string[] = [];
    const columns: string[] = [];
    for (const [i, file] of table.files.entries()) {
      counts[file.countAs] = 0;
      for (const row of rows) {
        const relativePath = row[fileColumnAlias(i)];
        if (!relativePath) continue;
        if (!(await this.files.exists(run.tenantId, relativePath, { table: table.name, column: file.pathColumn }))) {
          continue;
        }
        counts[file.countAs] += 1;
        paths.push(relativePath);
        columns.push(file.pathColumn);
      }
    }
    if (paths.length > 0) {
      await client.query(
        `INSERT INTO kit_file_removals (tenant_id, run_id, source_table, path, source_column)
         SELECT $1, $2, $3, r.path, r.source_column FROM unnest($4::text[], $5::text[]) AS r(path, source_column)`,
        [run.tenantId, run.runId, table.name, paths, columns],
      );
    }
    return counts;
  }

  /**
   * After the commit, on the connection holding the tenant's lock: unlinks each recorded file, then
   * forgets it. `beforeUnlink` runs once there is something to unlink (the crash fault knob).
   */
  async drain(db: Queryable, tenantId: string, beforeUnlink: () => void = () => undefined): Promise<number> {
    let unlinked = 0;
    for (;;) {
      const { rows } = await db.query<RemovalRow>(
        `SELECT id, path, source_table, source_column FROM kit_file_removals
          WHERE tenant_id = $1 ORDER BY id LIMIT $2`,
        [tenantId, CHUNK],
      );
      if (rows.length === 0) return unlinked;
      beforeUnlink();
      for (const row of rows) {
        const owner = { table: row.source_table, column: row.source_column };
        if (await this.files.remove(tenantId, row.path, owner)) unlinked += 1;
      }
      await db.query('DELETE FROM kit_file_removals WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
    }
  }

  /**
   * At start-up: finishes the removals a crash left behind, each tenant under its lock (one being deleted
   * right now is left to that deletion). A tenant under legal hold keeps them until the hold is lifted and
   * it is deleted again. A failure is logged, not thrown: the tenant's next deletion tries again.
   */
  async resumeLeftovers(db: pg.Pool, locks: TenantLocks, log: FastifyBaseLogger): Promise<void> {
    const { rows } = await db.query<{ tenant_id: string }>(
      `SELECT DISTINCT tenant_id FROM kit_file_removals r
        WHERE NOT EXISTS (SELECT 1 FROM kit_legal_holds h WHERE h.tenant_id = r.tenant_id)`,
    );
    for (const { tenant_id: tenantId } of rows) {
      const client = await locks.tryLock(tenantId);
      if (!client) continue;
      let failed = false;
      try {
        const unlinked = await this.drain(client, tenantId);
        log.info({ tenantId, unlinked }, 'finished file removals left by an interrupted deletion');
      } catch (error) {
        failed = true;
        const { code, message } = error as { code?: string; message: string };
        log.warn({ tenantId, code, message }, 'file removals left by an interrupted deletion still pending');
      } finally {
        await locks.release(client, tenantId, failed);
      }
    }
  }
}
