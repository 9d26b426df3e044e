import path from 'node:path';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Applies (or with 'down', reverts) versioned migrations; returns the names it ran. */
export async function migrate(
  databaseUrl: string,
  { direction = 'up', count }: { direction?: 'up' | 'down'; count?: number } = {},
): Promise<string[]> {
  const ran = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: 'pgmigrations',
    direction,
    count: count ?? (direction === 'up' ? Infinity : 1),
    checkOrder: true,
    singleTransaction: true,
    log: () => undefined,
  });
  return ran.map((migration) => migration.name);
}
