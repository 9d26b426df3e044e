import type pg from 'pg';
import { z } from 'zod';
import { serviceInstanceSchema, type ServiceInstance, identifier } from '@tenant-deletion/contract';

/**
 * The service inventory (`service_instances`): which service instances a tenant has and which of them
 * each one needs. Read by the orchestrator and `tdel inventory list`, written by `tdel inventory import`
 * and the seeder. Rows arrive from files and other systems, so every write is validated here first.
 */

/** What a writer may pass: dependsOn and status may be left out (none, ACTIVE). */
export type ServiceInstanceInput = z.input<typeof serviceInstanceSchema>;
export type InstanceStatus = ServiceInstance['status'];

/** A pool or a client, so a caller may run these inside its own transaction. */
export type Queryable = pg.Pool | pg.ClientBase;

export interface RowProblems {
  /** The row's position in the batch. */
  index: number;
  serviceInstanceId?: string;
  problems: string[];
}

/** The batch was refused as a whole; nothing was written. */
export class InventoryValidationError extends Error {
  constructor(
    readonly tenantId: string,
    readonly rows: RowProblems[],
  ) {
    const listed = rows.map(
      (row) =>
        `  - row ${row.index}${row.serviceInstanceId ? ` (${row.serviceInstanceId})` : ''}: ${row.problems.join('; ')}`,
    );
    super(`inventory for tenant ${tenantId} refused, nothing written:\n${listed.join('\n')}`);
    this.name = 'InventoryValidationError';
  }
}

export class InvalidTenantIdError extends Error {
  constructor(reason: string) {
    super(`tenantId ${reason}`);
    this.name = 'InvalidTenantIdError';
  }
}

function checkTenantId(tenantId: string): void {
  const parsed = identifier.safeParse(tenantId);
  if (!parsed.success) throw new InvalidTenantIdError(parsed.error.issues[0].message);
}

interface InstanceRow {
  service_instance_id: string;
  service_type: string;
  base_url: string;
  depends_on: string[];
  status: InstanceStatus;
}

export async function listInstances(db: Queryable, tenantId: string): Promise<ServiceInstance[]> {
  checkTenantId(tenantId);
  const { rows } = await db.query<InstanceRow>(
    `SELECT service_instance_id, service_type, base_url, depends_on, status
       FROM service_instances WHERE tenant_id = $1 ORDER BY service_instance_id`,
    [tenantId],
  );
  return rows.map((row) => ({
    serviceInstanceId: row.service_instance_id,
    serviceType: row.service_type,
    baseUrl: row.base_url,
    dependsOn: row.depends_on,
    status: row.status,
  }));
}

/** Whether the inventory knows the tenant: any instance row, whatever its status. */
export async function tenantExists(db: Queryable, tenantId: string): Promise<boolean> {
  checkTenantId(tenantId);
  const { rows } = await db.query<{ exists: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM service_instances WHERE tenant_id = $1) AS exists',
    [tenantId],
  );
  return rows[0].exists;
}

/** Returns false when the tenant has no such instance. */
export async function setInstanceStatus(
  db: Queryable,
  tenantId: string,
  serviceInstanceId: string,
  status: InstanceStatus,
): Promise<boolean> {
  checkTenantId(tenantId);
  const { rowCount } = await db.query(
    `UPDATE service_instances SET status = $3, updated_at = now() WHERE tenant_id = $1 AND service_instance_id = $2`,
    [tenantId, serviceInstanceId, status],
  );
  return rowCount === 1;
}

/**
 * Each row on its own, then the batch as a whole: unique ids, no self-dependency, no unknown dependency.
 * Throws with every problem of every row, so one import run shows all that needs fixing.
 */
function validateBatch(
  tenantId: string,
  rows: readonly unknown[],
  existingIds: ReadonlySet<string>,
): ServiceInstance[] {
  const parsed = rows.map((row) => serviceInstanceSchema.safeParse(row));
  const batchIds = new Set(parsed.flatMap((result) => (result.success ? [result.data.serviceInstanceId] : [])));
  const seen = new Set<string>();
  const valid: ServiceInstance[] = [];
  const refused: RowProblems[] = [];

  parsed.forEach((result, index) => {
    if (!result.success) {
      const id = (rows[index] as { serviceInstanceId?: unknown } | null)?.serviceInstanceId;
      refused.push({
        index,
        serviceInstanceId: identifier.safeParse(id).success ? (id as string) : undefined,
        problems: result.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`),
      });
      return;
    }
    const { serviceInstanceId, dependsOn } = result.data;
    const problems: string[] = [];
    if (seen.has(serviceInstanceId)) problems.push(`serviceInstanceId ${serviceInstanceId} appears twice in the batch`);
    seen.add(serviceInstanceId);
    if (dependsOn.includes(serviceInstanceId)) problems.push('dependsOn: an instance cannot depend on itself');
    const duplicates = dependsOn.filter((id, position) => dependsOn.indexOf(id) !== position);
    if (duplicates.length > 0) problems.push(`dependsOn lists ${[...new Set(duplicates)].join(', ')} more than once`);
    const unknown = dependsOn.filter((id) => !batchIds.has(id) && !existingIds.has(id));
    if (unknown.length > 0) {
      problems.push(`dependsOn names ${unknown.join(', ')}, which the tenant has neither in this batch nor on record`);
    }
    if (problems.length > 0) refused.push({ index, serviceInstanceId, problems });
    else valid.push(result.data);
  });

  if (refused.length > 0) throw new InventoryValidationError(tenantId, refused);
  return valid;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Inserts or updates a tenant's instances as one statement, so a batch is written whole or not at all.
 * Every row is validated first; any problem refuses the batch with InventoryValidationError.
 */
export async function upsertInstances(
  db: Queryable,
  tenantId: string,
  instances: readonly unknown[],
): Promise<UpsertResult> {
  checkTenantId(tenantId);
  const { rows: existing } = await db.query<{ service_instance_id: string }>(
    'SELECT service_instance_id FROM service_instances WHERE tenant_id = $1',
    [tenantId],
  );
  // Read outside the insert: inventory rows are not removed (a deleted instance keeps its row, DELETED),
  // so a dependency found here is still there when the insert runs.
  const valid = validateBatch(tenantId, instances, new Set(existing.map((row) => row.service_instance_id)));
  if (valid.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };

  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO service_instances (tenant_id, service_instance_id, service_type, base_url, depends_on, status)
     SELECT $1, r.service_instance_id, r.service_type, r.base_url, r.depends_on, r.status
       FROM jsonb_to_recordset($2::jsonb)
         AS r(service_instance_id text, service_type text, base_url text, depends_on text[], status text)
     ON CONFLICT (tenant_id, service_instance_id) DO UPDATE SET
       service_type = EXCLUDED.service_type,
       base_url = EXCLUDED.base_url,
       depends_on = EXCLUDED.depends_on,
       status = EXCLUDED.status,
       updated_at = now()
     -- A re-import of the same rows leaves updated_at alone, so it still says when something changed.
     WHERE (service_instances.service_type, service_instances.base_url, service_instances.depends_on, service_instances.status)
       IS DISTINCT FROM (EXCLUDED.service_type, EXCLUDED.base_url, EXCLUDED.depends_on, EXCLUDED.status)
     RETURNING (xmax = 0) AS inserted`,
    [
      tenantId,
      JSON.stringify(
        valid.map((instance) => ({
          service_instance_id: instance.serviceInstanceId,
          service_type: instance.serviceType,
          base_url: instance.baseUrl,
          depends_on: instance.dependsOn,
          status: instance.status,
        })),
      ),
    ],
  );
  const inserted = rows.filter((row) => row.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: valid.length - rows.length };
}
