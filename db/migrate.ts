import path from 'node:path';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

export interface MigrateOptions {
  direction?: 'up' | 'down';
  count?: number;
  /** A folder of versioned `.sql` migrations; the orchestrator's own by default. Each service of the fleet has its own. */
  dir?: string;
}

/** Applies (or with 'down', reverts) versioned migrations; returns the names it ran. */
export async function migrate(
  databaseUrl: string,
  { direction = 'up', count, dir = MIGRATIONS_DIR }: MigrateOptions = {},
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
