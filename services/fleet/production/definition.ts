import type { DeletableServiceDefinition } from '@tenant-deletion/kit';

/**
 * Every table holds only tenant rows; the kit finds them from tenant_id and the foreign keys. A run step
 * reaches a tenant through its run and through its equipment, which could name different tenants' rows:
 * it belongs to its run's tenant.
 */
export const definition: DeletableServiceDefinition = {
  serviceType: 'production',
  auditTable: 'audit_log',
  ownerPaths: { run_steps: 'production_runs' },
};
