import { randomBytes } from 'node:crypto';
import { identifier, type ServiceInstance } from '@tenant-deletion/contract';
import type { TokenSigner } from '@tenant-deletion/contract/service-token';
import { prepareInstanceDatabase } from '../fleet-databases';
import { fleetFileRoot } from '../fleet-files';
import type { FleetInstance } from '../topology';
import { baseUrl, FLEET_INSTANCES } from '../topology';
import { mapWithLimit } from './bounded-parallel';
import { createRegistryTenant } from './registry-tenant';
import type { InstanceSeedResult } from './seed-instance';
import { seedInstance } from './seed-instance';

/**
 * Seeds one tenant across the fleet: its record in the registry, about `records` rows spread over the
 * instances by their topology weight, and its instances in the orchestrator's inventory. Seeding a
 * tenant again adds another `records` rows beside the first ones (new ids), never replacing them.
 */

/** Writes a tenant's instances to the orchestrator's inventory, by whatever path the orchestrator offers. */
export type InventoryWriter = (tenantId: string, instances: ServiceInstance[]) => Promise<void>;

export interface SeedTenantOptions {
  tenantId: string;
  /** Rows in all tables of all instances together, approximately. */
  records: number;
  /** Every instance's database is created on this URL's server (the orchestrator's, in the local stack). */
  databaseUrl: string;
  /**
   * Creates the tenant in the registry first; left out, the registry is not asked. A deleted tenant is re-created
   * only with `recreate` (the registry refuses it otherwise). `signer` is the admins' (`registry:members`); `owner`
   * names the tenant's owner, a subject who may then delete it through the deletion API.
   */
  registry?: { url: string; signer: TokenSigner; recreate?: boolean; owner?: string };
  /**
   * Records the tenant's instances (ACTIVE) in the orchestrator's inventory; left out, none are recorded. The
   * orchestrator's side supplies it (db/service-instances' inventoryWriter): the fleet knows nothing of its tables.
   */
  inventory?: InventoryWriter;
  instances?: readonly FleetInstance[];
  /** Base URLs recorded in the inventory, by instance id; the topology's by default (a test fleet may listen elsewhere). */
  baseUrls?: Readonly<Record<string, string>>;
  /** Where file-holding services' files go, by service type; under the stack's state directory by default. */
  fileRoot?: (serviceType: string) => string;
  /** Instances seeded at once (default 4: Postgres does the work, and the target machine has two cores). */
  concurrency?: number;
}

export interface SeedTenantResult {
  tenantId: string;
  /** Tells this run's rows from earlier runs' (it is part of their ids' seed key). */
  runId: string;
  instances: InstanceSeedResult[];
  records: number;
  files: number;
  durationMs: number;
}

/** The request cannot be seeded as given; nothing was written. */
export class SeedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRequestError';
  }
}

/** More than this is a typo rather than a benchmark, and would take an hour. */
export const MAX_RECORDS = 50_000_000;

export function checkSeedRequest(tenantId: string, records: number): void {
  const id = identifier.safeParse(tenantId);
  if (!id.success) throw new SeedRequestError(`tenant id ${JSON.stringify(tenantId)} ${id.error.issues[0].message}`);
  // The id names the tenant's file directory, which "." and ".." cannot.
  if (/^\.+$/.test(tenantId)) throw new SeedRequestError('tenant id must not consist of dots only');
  if (!Number.isInteger(records) || records < 1 || records > MAX_RECORDS) {
    throw new SeedRequestError(`records must be a whole number from 1 to ${MAX_RECORDS}, got ${records}`);
  }
}

/** Each instance's part of the records, by its weight (its share of the fleet's weights). */
export function splitRecords(records: number, instances: readonly FleetInstance[]): Map<string, number> {
  const totalWeight = instances.reduce((sum, instance) => sum + instance.weight, 0);
  return new Map(
    instances.map((instance) => [instance.serviceInstanceId, Math.round((records * instance.weight) / totalWeight)]),
  );
}

export async function seedTenant(options: SeedTenantOptions): Promise<SeedTenantResult> {
  const { tenantId, records, databaseUrl } = options;
  checkSeedRequest(tenantId, records);
  const started = Date.now();
  const instances = options.instances ?? FLEET_INSTANCES;
  const fileRoot = options.fileRoot ?? ((serviceType: string) => fleetFileRoot(serviceType));
  const runId = randomBytes(6).toString('hex');
  const split = splitRecords(records, instances);

  // First, as it is the step most likely to fail (the fleet not running), before anything is written.
  if (options.registry) {
    const { url, signer, recreate = false, owner } = options.registry;
    await createRegistryTenant(url, signer, tenantId, { recreate, owner });
  }

  const results = await mapWithLimit(instances, options.concurrency ?? 4, async (instance) =>
    seedInstance({
      instance,
      databaseUrl: await prepareInstanceDatabase(databaseUrl, instance),
      tenantId,
      seedKey: `${tenantId}:${runId}`,
      records: split.get(instance.serviceInstanceId)!,
      fileRoot: fileRoot(instance.serviceType),
    }),
  );

  if (options.inventory) await registerInstances(options.inventory, options, instances);

  return {
    tenantId,
    runId,
    instances: results,
    records: results.reduce((sum, result) => sum + result.records, 0),
    files: results.reduce((sum, result) => sum + result.files, 0),
    durationMs: Date.now() - started,
  };
}

/** The tenant's instances, ACTIVE (again, after an earlier deletion: it has data now), in the orchestrator's inventory. */
function registerInstances(
  inventory: InventoryWriter,
  options: SeedTenantOptions,
  instances: readonly FleetInstance[],
): Promise<void> {
  return inventory(
    options.tenantId,
    instances.map((instance) => ({
      serviceInstanceId: instance.serviceInstanceId,
      serviceType: instance.serviceType,
      baseUrl: options.baseUrls?.[instance.serviceInstanceId] ?? baseUrl(instance),
      dependsOn: instance.dependsOn.filter((id) => instances.some((other) => other.serviceInstanceId === id)),
      status: 'ACTIVE',
    })),
  );
}
