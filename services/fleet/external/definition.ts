import type { DeletableServiceDefinition } from '@tenant-deletion/kit';

export const definition: DeletableServiceDefinition = {
  serviceType: 'external',
  auditTable: 'audit_log',
  // City-wide observations (no tenant) are fetched once and shared by every tenant of the city. No
  // tenant id matches them anyway; declaring them makes the intent explicit and checked at start-up.
  keep: {
    weather_data: 'tenant_id IS NULL',
    traffic_data: 'tenant_id IS NULL',
  },
};
