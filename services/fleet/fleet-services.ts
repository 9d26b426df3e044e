import path from 'node:path';
import type { DeletableServiceDefinition } from '@tenant-deletion/kit';
import * as alertProcessor from './alert-processor/definition';
import * as alertProcessorSeed from './alert-processor/seed-plan';
import * as external from './external/definition';
import * as externalSeed from './external/seed-plan';
import * as forecasting from './forecasting/definition';
import * as forecastingSeed from './forecasting/seed-plan';
import * as inventory from './inventory/definition';
import * as inventorySeed from './inventory/seed-plan';
import * as notification from './notification/definition';
import * as notificationSeed from './notification/seed-plan';
import * as orders from './orders/definition';
import * as ordersSeed from './orders/seed-plan';
import * as pos from './pos/definition';
import * as posSeed from './pos/seed-plan';
import * as production from './production/definition';
import * as productionSeed from './production/seed-plan';
import * as recipes from './recipes/definition';
import * as recipesSeed from './recipes/seed-plan';
import * as sales from './sales/definition';
import * as salesSeed from './sales/seed-plan';
import type { ServiceSeedPlan } from './seed/seed-plan';
import * as suppliers from './suppliers/definition';
import * as suppliersSeed from './suppliers/seed-plan';
import * as training from './training/definition';
import * as trainingSeed from './training/seed-plan';

/**
 * Each service type of the fleet in its three parts, found in its own folder: the schema
 * (`migrations/`), what the kit needs to delete from it (`definition.ts`) and how the seeder fills it
 * (`seed-plan.ts`). Instances of one type (pos-1, pos-2) share all three, each in its own database.
 */

export interface FleetService {
  definition: DeletableServiceDefinition;
  migrationsDir: string;
  seedPlan: ServiceSeedPlan;
}

function service(folder: string, definition: DeletableServiceDefinition, seedPlan: ServiceSeedPlan): FleetService {
  return { definition, seedPlan, migrationsDir: path.join(__dirname, folder, 'migrations') };
}

export const FLEET_SERVICES: Readonly<Record<string, FleetService>> = {
  orders: service('orders', orders.definition, ordersSeed.seedPlan),
  inventory: service('inventory', inventory.definition, inventorySeed.seedPlan),
  recipes: service('recipes', recipes.definition, recipesSeed.seedPlan),
  sales: service('sales', sales.definition, salesSeed.seedPlan),
  production: service('production', production.definition, productionSeed.seedPlan),
  suppliers: service('suppliers', suppliers.definition, suppliersSeed.seedPlan),
  pos: service('pos', pos.definition, posSeed.seedPlan),
  external: service('external', external.definition, externalSeed.seedPlan),
  forecasting: service('forecasting', forecasting.definition, forecastingSeed.seedPlan),
  training: service('training', training.definition, trainingSeed.seedPlan),
  'alert-processor': service('alert-processor', alertProcessor.definition, alertProcessorSeed.seedPlan),
  notification: service('notification', notification.definition, notificationSeed.seedPlan),
};

/** The topology names a service type the fleet does not have: the two files disagree. */
export class UnknownFleetServiceError extends Error {
  constructor(readonly serviceType: string) {
    super(`the fleet has no service type "${serviceType}"; add its folder to services/fleet/fleet-services.ts`);
    this.name = 'UnknownFleetServiceError';
  }
}

export function fleetService(serviceType: string): FleetService {
  if (!Object.hasOwn(FLEET_SERVICES, serviceType)) throw new UnknownFleetServiceError(serviceType);
  return FLEET_SERVICES[serviceType];
}
