/**
 * The demo tenant registry (`@tenant-deletion/example-registry`): the server, its defaults, and the
 * suspension check a kit service uses as its write guard.
 */
export { REGISTRY } from './registry-settings';
export { registryDatabaseUrl, startRegistry, type RegistryOptions, type RunningRegistry } from './registry-server';
export { REGISTRY_TOKEN_ISSUERS, type RegistryRouteScopes } from './route-scopes';
export { SuspensionCheckFailed, suspensionCheck, type SuspensionCheckOptions } from './suspension-check';
// What the registry accepts, for documents generated from the code (scripts/contract).
export { newTenantSchema, type NewTenant } from './tenant-records';
export { createQuery, deleteQuery } from './tenant-routes';
export { memberBodySchema, transferBodySchema } from './member-routes';
