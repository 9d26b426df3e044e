import type { DeletableServiceDefinition } from '@tenant-deletion/kit';

export const definition: DeletableServiceDefinition = {
  serviceType: 'notification',
  auditTable: 'audit_log',
  // The platform's system templates are shared by every tenant (their translations reach no tenant, so
  // the kit leaves them too).
  keep: { notification_templates: 'is_system' },
};
