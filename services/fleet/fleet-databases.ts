import { ensureDatabase, migrate } from '@tenant-deletion/kit';
import { fleetService } from './fleet-services';
import type { FleetInstance } from './topology';

/**
 * Each fleet instance has its own database on the orchestrator's Postgres server (as each service of
 * the original system had its own), created and migrated on first use by the runner and the seeder.
 */

/** The instance's database on the same server as `serverUrl`: the URL with its database name swapped. */
export function instanceDatabaseUrl(serverUrl: string, instance: Pick<FleetInstance, 'database'>): string {
  const url = new URL(serverUrl);
  url.pathname = `/${instance.database}`;
  return url.toString();
}

const DUPLICATE_DATABASE = '42P04';

/** Creates the instance's database when missing and applies its service type's pending migrations. */
export async function prepareInstanceDatabase(serverUrl: string, instance: FleetInstance): Promise<string> {
  const databaseUrl = instanceDatabaseUrl(serverUrl, instance);
  try {
    await ensureDatabase(databaseUrl);
  } catch (error) {
    // The runner and a seeder starting together may both try to create it; one of them wins.
    if ((error as { code?: string }).code !== DUPLICATE_DATABASE) throw error;
  }
  await migrate(databaseUrl, { dir: fleetService(instance.serviceType).migrationsDir });
  return databaseUrl;
}
