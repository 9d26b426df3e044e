import { startDeletableService, type RunningDeletableService } from '../../services/kit/deletable-service';
import { FaultInjector } from '../../services/kit/faults';
import { BAKERY_DEFINITION, BAKERY_SCHEMA } from './bakery-schema';
import { kitClient } from './kit-http';
import { testTokens } from './test-tokens';
import { kitOptions } from './kit-startup';
import { throwawayDatabases } from './kit-test-db';

/**
 * Fault injection is test support (`@tenant-deletion/kit/testing`): a service started without a FaultInjector has
 * no `/admin/faults` and answers every request for real; one started with it has the knobs, and they act.
 */

const tokens = testTokens();
const call = kitClient(tokens, BAKERY_DEFINITION.serviceType);
const database = throwawayDatabases();
const running: RunningDeletableService[] = [];
afterAll(async () => {
  for (const service of running) await service.close();
});

async function start(faults?: FaultInjector): Promise<RunningDeletableService> {
  const db = await database(BAKERY_SCHEMA);
  const service = await startDeletableService(
    kitOptions(db, tokens, { ...BAKERY_DEFINITION, files: [] }, faults ? { faults } : {}),
  );
  running.push(service);
  return service;
}

it('has no fault knobs unless it is given them', async () => {
  const service = await start();
  expect((await call('GET', `${service.baseUrl}/admin/faults`)).status).toBe(404);
  expect((await call('PUT', `${service.baseUrl}/admin/faults`, { body: { errorRate: 1 } })).status).toBe(404);
  expect((await call('GET', `${service.baseUrl}/tenant/tenant-a/deletion-preview`)).status).toBe(200);
});

it('injects the faults of the FaultInjector it is given', async () => {
  const service = await start(new FaultInjector({ errorRate: 1 }));
  expect((await call('GET', `${service.baseUrl}/tenant/tenant-a/deletion-preview`)).status).toBe(500);
  expect((await call('PUT', `${service.baseUrl}/admin/faults`, { body: {} })).status).toBe(200);
  expect((await call('GET', `${service.baseUrl}/tenant/tenant-a/deletion-preview`)).status).toBe(200);
});
