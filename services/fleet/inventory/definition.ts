import type { DeletableServiceDefinition } from '../../kit/service-definition';

/** Every table holds only tenant rows; the kit finds them from tenant_id and the foreign keys. */
export const definition: DeletableServiceDefinition = {
  serviceType: 'inventory',
  auditTable: 'audit_log',
};
