import pg from 'pg';
import { fleetService } from '../fleet-services';
import type { FleetInstance } from '../topology';
import type { SeededFile } from './model-files';
import { writeSeededFiles } from './model-files';
import { insertStatement, rowCounts } from './seed-plan';

/**
 * Seeds one instance: its shared rows (once, idempotently), then about `records` rows of the tenant
 * in one transaction, so that a failed run leaves nothing half-seeded behind.
 */

export interface InstanceSeedRequest {
  instance: FleetInstance;
  databaseUrl: string;
  tenantId: string;
  /** Unique per seeding run: the seed key that the rows' ids derive from, so a second run adds rows. */
  seedKey: string;
  records: number;
  /** Where the instance's tenant files go; needed when its seed plan writes files. */
  fileRoot?: string;
}

export interface InstanceSeedResult {
  serviceInstanceId: string;
  serviceType: string;
  database: string;
  /** Rows inserted per table. */
  tables: Record<string, number>;
  records: number;
  files: number;
  durationMs: number;
}

/** The seed plan writes files but the caller gave no file root for them. */
export class SeedFileRootMissingError extends Error {
  constructor(readonly serviceInstanceId: string) {
    super(`${serviceInstanceId} seeds files, but no file root was given for them`);
    this.name = 'SeedFileRootMissingError';
  }
}

export async function seedInstance(request: InstanceSeedRequest): Promise<InstanceSeedResult> {
  const started = Date.now();
  const { instance } = request;
  const plan = fleetService(instance.serviceType).seedPlan;
  const counts = rowCounts(plan, request.records);
  // Every statement is built before any runs, so a mistake in a plan fails before the database is touched.
  const inserts = plan.tables.map((table) => ({ table, sql: insertStatement(table, counts) }));
  if (plan.tables.some((table) => table.files) && request.fileRoot === undefined) {
    throw new SeedFileRootMissingError(instance.serviceInstanceId);
  }

  const client = new pg.Client({ connectionString: request.databaseUrl });
  await client.connect();
  try {
    // Outside the tenant's transaction: concurrent seeders of other tenants must not wait on it.
    for (const sql of plan.shared) await client.query(sql);

    const tables: Record<string, number> = {};
    const files: SeededFile[] = [];
    await client.query('BEGIN');
    try {
      for (const { table, sql } of inserts) {
        const result = await client.query<{ path: string; size: string }>(sql, [
          request.seedKey,
          request.tenantId,
          counts.get(table.table),
        ]);
        tables[table.table] = result.rowCount ?? 0;
        if (table.files) files.push(...result.rows.map((row) => ({ path: row.path, size: Number(row.size) })));
      }
      // Written before the commit: committed rows always have their files (a failed write rolls them back).
      if (files.length > 0) await writeSeededFiles(request.fileRoot!, files);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return {
      serviceInstanceId: instance.serviceInstanceId,
      serviceType: instance.serviceType,
      database: instance.database,
      tables,
      records: Object.values(tables).reduce((sum, n) => sum + n, 0),
      files: files.length,
      durationMs: Date.now() - started,
    };
  } finally {
    await client.end();
  }
}
