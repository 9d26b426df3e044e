import { REGISTRY_AUDIENCE } from '@tenant-deletion/contract/service-token';

/** The demo registry's own defaults (the local stack's): its token audience, port and database name. */
export const REGISTRY = { serviceType: REGISTRY_AUDIENCE, port: 8100, database: 'tenant_registry' } as const;
