import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { ensureDatabase } from '@tenant-deletion/kit';

/**
 * A throwaway database per test file on the local stack's PostgreSQL (DATABASE_URL's server), holding
 * a schema the test writes itself, as a service's migrations would. Dropped again by `drop()`.
 */

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(schemaSql: string): Promise<TestDatabase> {
  const url = new URL(loadConfig().DATABASE_URL);
  const name = `kit_test_${randomBytes(6).toString('hex')}`;
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString() });
  await pool.query(schemaSql);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A throwaway database per call, all dropped after the test file (registers its own afterAll), for files
 * whose tests each need a schema of their own.
 */
export function throwawayDatabases(): (schemaSql: string) => Promise<TestDatabase> {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });
  return async (schemaSql) => {
    const db = await createTestDatabase(schemaSql);
    databases.push(db);
    return db;
  };
}
