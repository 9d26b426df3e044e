import pg from 'pg';
import { readCatalog } from '../services/kit/catalog';
import { deleteAllStatement } from '../services/kit/deletion-statements';
import { planDeletion } from '../services/kit/deletion-plan';
import { parseDefinition } from '../services/kit/service-definition';
import { instanceDatabaseUrl } from '../services/fleet/fleet-databases';
import { fleetService } from '../services/fleet/fleet-services';
import { FLEET_INSTANCES } from '../services/fleet/topology';

/**
 * The lower bound: each service's own delete statements (the kit's plan), run straight against its database in
 * one transaction, every instance in parallel. No HTTP, no tokens, no verification, no orchestration.
 */
export async function rawSqlDelete(serverUrl: string, tenantId: string): Promise<number> {
  const deleted = await Promise.all(
    FLEET_INSTANCES.map(async (instance) => {
      const pool = new pg.Pool({ connectionString: instanceDatabaseUrl(serverUrl, instance), max: 1 });
      const client = await pool.connect();
      try {
        const plan = planDeletion(
          await readCatalog(client),
          parseDefinition(fleetService(instance.serviceType).definition),
        );
        await client.query('BEGIN');
        let rows = 0;
        for (const table of plan.tables)
          rows += (await client.query(deleteAllStatement(plan, table), [tenantId])).rowCount ?? 0;
        await client.query('COMMIT');
        return rows;
      } finally {
        client.release();
        await pool.end();
      }
    }),
  );
  return deleted.reduce((sum, n) => sum + n, 0);
}
