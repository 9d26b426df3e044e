import pg from 'pg';
import { readCatalog, deleteAllStatement, planDeletion, parseDefinition } from '@tenant-deletion/kit';
import { instanceDatabaseUrl, fleetService, FLEET_INSTANCES, type FleetInstance } from '@tenant-deletion/example-fleet';

/**
 * The lower bounds: each service's own delete statements (the kit's plan), run straight against its database in
 * one transaction. No HTTP, no tokens, no verification, no orchestration.
 */

async function deleteInstanceRows(serverUrl: string, instance: FleetInstance, tenantId: string): Promise<number> {
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
}

/** Every instance at once, ignoring the dependency order: what a deletion could cost if order did not matter. */
export async function rawSqlDelete(serverUrl: string, tenantId: string): Promise<number> {
  const deleted = await Promise.all(
    FLEET_INSTANCES.map((instance) => deleteInstanceRows(serverUrl, instance, tenantId)),
  );
  return deleted.reduce((sum, n) => sum + n, 0);
}

/**
 * In the dependency order the orchestrator keeps, each instance as soon as every instance that depends on it is
 * done: the lower bound for an ordered deletion, so the gap to the orchestrator is its own cost.
 */
export async function rawSqlDeleteInOrder(serverUrl: string, tenantId: string): Promise<number> {
  const done = new Map<string, Promise<number>>();
  const deleteAfterDependents = (instance: FleetInstance): Promise<number> => {
    let deletion = done.get(instance.serviceInstanceId);
    if (!deletion) {
      const dependents = FLEET_INSTANCES.filter((other) => other.dependsOn.includes(instance.serviceInstanceId));
      deletion = Promise.all(dependents.map(deleteAfterDependents)).then(() =>
        deleteInstanceRows(serverUrl, instance, tenantId),
      );
      done.set(instance.serviceInstanceId, deletion);
    }
    return deletion;
  };
  const deleted = await Promise.all(FLEET_INSTANCES.map(deleteAfterDependents));
  return deleted.reduce((sum, n) => sum + n, 0);
}
