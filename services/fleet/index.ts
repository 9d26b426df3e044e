/**
 * The demo fleet (`@tenant-deletion/example-fleet`): twelve reference services built with the kit, their
 * topology, and the seeder that fills them with a tenant's data.
 */
export {
  FleetInstanceStartError,
  FleetPortInUseError,
  startFleet,
  type FleetOptions,
  type FleetTokens,
  type RunningFleet,
  type RunningFleetInstance,
} from './fleet';
export { baseUrl, FLEET_HOST, FLEET_INSTANCES, registryUrl, type FleetInstance } from './topology';
export { fleetService } from './fleet-services';
export { instanceDatabaseUrl } from './fleet-databases';
export { fleetFileRoot } from './fleet-files';
export { textTable } from './text-table';
export { RegistryUnreachableError } from './seed/registry-tenant';
export { seedReport } from './seed/seed-report';
export {
  checkSeedRequest,
  MAX_RECORDS,
  SeedRequestError,
  seedTenant,
  type InventoryWriter,
  type SeedTenantOptions,
  type SeedTenantResult,
} from './seed/seed-tenant';
