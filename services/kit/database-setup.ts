import { runner } from 'node-pg-migrate';
import pg from 'pg';

/**
 * What a service adopting the kit needs before it starts: its database, created when missing, and its own
 * versioned `.sql` migrations applied. The kit reads the schema these leave; it never writes the service's DDL.
 */

/** Creates the database a URL names when the server lacks it, connecting to `postgres` to do so. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

export interface MigrateOptions {
  /** A folder of versioned `.sql` migrations. */
  dir: string;
  direction?: 'up' | 'down';
  count?: number;
}

/** Applies (or with 'down', reverts) the folder's migrations; returns the names it ran. */
export async function migrate(
  databaseUrl: string,
  { dir, direction = 'up', count }: MigrateOptions,
): Promise<string[]> {
  const ran = await runner({
    databaseUrl,
    dir,
    migrationsTable: 'pgmigrations',
    direction,
    count: count ?? (direction === 'up' ? Infinity : 1),
    checkOrder: true,
    singleTransaction: true,
    log: () => undefined,
  });
  return ran.map((migration) => migration.name);
}
