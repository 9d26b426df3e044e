import type { DeletableServiceDefinition } from '@tenant-deletion/kit';

/** Every table holds only tenant rows; the kit finds them from tenant_id and the foreign keys. */
export const definition: DeletableServiceDefinition = {
  serviceType: 'alert-processor',
  auditTable: 'audit_log',
};
