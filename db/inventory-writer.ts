import pg from 'pg';
import type { ServiceInstance } from '@tenant-deletion/contract';
import { ensureDatabase } from '@tenant-deletion/kit';
import { migrate } from './migrate';
import { upsertInstances } from './service-instances';

/**
 * How the demo fleet's seeder records a tenant's instances in the inventory: it is handed this function,
 * so it never touches the orchestrator's tables itself. The database is created and migrated when missing.
 */
export function inventoryWriter(
  databaseUrl: string,
): (tenantId: string, instances: ServiceInstance[]) => Promise<void> {
  return async (tenantId, instances) => {
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await upsertInstances(db, tenantId, instances);
    } finally {
      await db.end();
    }
  };
}
