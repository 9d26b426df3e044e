/**
 * The reference fleet: twelve services of a bakery-management SaaS (two deployments of pos), each
 * with its own database and port, plus the tenant registry. Every tenant the seeder creates has one
 * instance of each, with these ids and dependencies, so the orchestrator has a real graph to order.
 */

import { REGISTRY } from '@tenant-deletion/example-registry';

export interface FleetInstance {
  serviceType: string;
  /** The tenant's instance id in `service_instances`; the same id for every tenant. */
  serviceInstanceId: string;
  port: number;
  database: string;
  /** Instances this one needs: it is deleted before them. */
  dependsOn: string[];
  /** Share of a tenant's seeded records, in percent (the original system's proportions: pos and sales largest). */
  weight: number;
}

export const FLEET_HOST = 'localhost';

export const FLEET_INSTANCES: readonly FleetInstance[] = [
  {
    serviceType: 'orders',
    serviceInstanceId: 'orders-1',
    port: 8101,
    database: 'fleet_orders',
    dependsOn: ['inventory-1', 'recipes-1'],
    weight: 12,
  },
  {
    serviceType: 'inventory',
    serviceInstanceId: 'inventory-1',
    port: 8102,
    database: 'fleet_inventory',
    dependsOn: ['suppliers-1'],
    weight: 9,
  },
  {
    serviceType: 'recipes',
    serviceInstanceId: 'recipes-1',
    port: 8103,
    database: 'fleet_recipes',
    dependsOn: ['inventory-1'],
    weight: 2,
  },
  {
    serviceType: 'sales',
    serviceInstanceId: 'sales-1',
    port: 8104,
    database: 'fleet_sales',
    dependsOn: ['pos-1', 'pos-2', 'orders-1'],
    weight: 20,
  },
  {
    serviceType: 'production',
    serviceInstanceId: 'production-1',
    port: 8105,
    database: 'fleet_production',
    dependsOn: ['recipes-1', 'inventory-1'],
    weight: 8,
  },
  {
    serviceType: 'suppliers',
    serviceInstanceId: 'suppliers-1',
    port: 8106,
    database: 'fleet_suppliers',
    dependsOn: [],
    weight: 3,
  },
  {
    serviceType: 'pos',
    serviceInstanceId: 'pos-1',
    port: 8107,
    database: 'fleet_pos_1',
    dependsOn: ['inventory-1'],
    weight: 11,
  },
  {
    serviceType: 'pos',
    serviceInstanceId: 'pos-2',
    port: 8113,
    database: 'fleet_pos_2',
    dependsOn: ['inventory-1'],
    weight: 11,
  },
  {
    serviceType: 'external',
    serviceInstanceId: 'external-1',
    port: 8108,
    database: 'fleet_external',
    dependsOn: [],
    weight: 2,
  },
  {
    serviceType: 'forecasting',
    serviceInstanceId: 'forecasting-1',
    port: 8109,
    database: 'fleet_forecasting',
    dependsOn: ['training-1', 'sales-1', 'external-1'],
    weight: 8,
  },
  {
    serviceType: 'training',
    serviceInstanceId: 'training-1',
    port: 8110,
    database: 'fleet_training',
    dependsOn: ['sales-1', 'external-1'],
    weight: 5,
  },
  {
    serviceType: 'alert-processor',
    serviceInstanceId: 'alert-processor-1',
    port: 8111,
    database: 'fleet_alert_processor',
    dependsOn: ['notification-1', 'inventory-1'],
    weight: 4,
  },
  {
    serviceType: 'notification',
    serviceInstanceId: 'notification-1',
    port: 8112,
    database: 'fleet_notification',
    dependsOn: [],
    weight: 5,
  },
];

export function baseUrl(instance: Pick<FleetInstance, 'serviceType' | 'port'>, host = FLEET_HOST): string {
  return `http://${host}:${instance.port}/api/v1/${instance.serviceType}`;
}

export function registryUrl(host = FLEET_HOST): string {
  return `http://${host}:${REGISTRY.port}`;
}
