import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { mintServiceToken } from '../../common/service-token';
import { requestDeletion } from '../../client/request-deletion';
import { upsertInstances } from '../../db/service-instances';
import type { RunningFleet } from '../../services/fleet/fleet';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import {
  config,
  E2E_INSTANCES,
  e2eWorkerConfig,
  fileRoot,
  secret,
  startE2eFleet,
  startWorkers,
  temporalClient,
  uniqueTenant,
} from './e2e-stack';

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });

beforeAll(async () => {
  fleet = await startE2eFleet();
  // The slow type gets one slot, the fast one its default twenty: the bulkhead under test.
  // No approval threshold: its previews run on each type's queue too, so a saturated slow type would hold every
  // tenant's admission (a known limit, in the README); the bulkhead under test is the deletions'.
  workers = await startWorkers(fleet, e2eWorkerConfig({ serviceTypes: { training: { maxConcurrentActivities: 1 } } }), {
    approvalThresholdRecords: null,
  });
  temporal = await temporalClient();
}, 120_000);
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
  await db.end();
});

async function setTrainingLatency(latencyMs: number): Promise<void> {
  const training = fleet.instances.find((instance) => instance.serviceType === 'training')!;
  const token = await mintServiceToken(secret, { audience: 'training', subject: 'e2e' });
  const response = await fetch(`${training.baseUrl}/admin/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs }),
  });
  expect(response.status).toBe(200);
}

describe('the bulkhead', () => {
  afterEach(() => setTrainingLatency(0));

  it('lets a fast type finish while a saturated slow type still works through its queue', async () => {
    const tenants = [1, 2, 3, 4].map((n) => uniqueTenant(`bulk${n}`));
    const used = E2E_INSTANCES.filter((i) => ['notification-1', 'training-1'].includes(i.serviceInstanceId));
    for (const tenantId of tenants) {
      await seedTenant({
        tenantId,
        records: 300,
        databaseUrl: config.DATABASE_URL,
        instances: used,
        registerInstances: false,
        fileRoot,
      });
      await upsertInstances(
        db,
        tenantId,
        used.map((instance) => ({
          serviceInstanceId: instance.serviceInstanceId,
          serviceType: instance.serviceType,
          baseUrl: fleet.instances.find((i) => i.serviceInstanceId === instance.serviceInstanceId)!.baseUrl,
          dependsOn: [],
        })),
      );
    }
    await setTrainingLatency(1_500);

    const handles = await Promise.all(
      tenants.map((tenantId) =>
        requestDeletion(temporal.client, {
          requestId: `r-${randomUUID()}`,
          tenantId,
          requestedBy: 'admin-e2e',
          traceId: 'trace-bulkhead',
          gdprMode: false,
          dryRun: false,
        }),
      ),
    );
    await Promise.all(handles.map((handle) => handle.result()));

    const closed = async (tenantId: string, id: string) =>
      (await temporal.client.workflow.getHandle(`service-deletion:${tenantId}:${id}`).describe()).closeTime!.getTime();
    const fast = await Promise.all(tenants.map((t) => closed(t, 'notification-1')));
    const slow = (await Promise.all(tenants.map((t) => closed(t, 'training-1')))).sort((a, b) => a - b);
    // Every fast deletion was done before the slow queue had worked through even half of its backlog.
    expect(Math.max(...fast)).toBeLessThan(slow[1]);
  }, 180_000);
});
