import path from 'node:path';
import { migrate as migrateFolder, type MigrateOptions } from '@tenant-deletion/kit';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Applies (or with 'down', reverts) the orchestrator's own migrations, with the runner services use. */
export function migrate(databaseUrl: string, options: Omit<MigrateOptions, 'dir'> = {}): Promise<string[]> {
  return migrateFolder(databaseUrl, { dir: MIGRATIONS_DIR, ...options });
}
