import { randomUUID } from 'node:crypto';
import { requestDeletion } from '../../client/request-deletion';
import { startTestEnvironment } from './temporal-test-env';

const INSTANCES = 5_000;
let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment({ maxChildrenInFlight: 300, continueAsNewAfterEvents: 2_000 });
}, 120_000);
afterAll(() => harness?.teardown());

describe('a tenant with 5,000 instances', () => {
  it('runs children in a sliding window and continues as new, carrying its state', async () => {
    const tenantId = `big-${randomUUID().slice(0, 8)}`;
    // 4,000 apps, each using one of 1,000 databases: a database goes once its four apps are gone.
    harness.fleet.addTenant(tenantId, [
      ...Array.from({ length: 4_000 }, (_, i): [string, string[]] => [`bulk-${i}`, [`bulk-${4_000 + (i % 1_000)}`]]),
      ...Array.from({ length: 1_000 }, (_, i): [string] => [`bulk-${4_000 + i}`]),
    ]);
    const handle = await requestDeletion(harness.client, {
      requestId: `r-${randomUUID()}`,
      tenantId,
      requestedBy: 'admin-1',
      traceId: 'trace-big',
      gdprMode: false,
      dryRun: false,
    });
    const result = await handle.result();

    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toHaveLength(INSTANCES);
    expect(result.instances.every((instance) => instance.status === 'COMPLETED')).toBe(true);
    expect(harness.fleet.callsOf(tenantId)).toHaveLength(INSTANCES);
    for (let db = 0; db < 1_000; db += 97) {
      const apps = [0, 1, 2, 3].map((k) => `bulk-${db + k * 1_000}`);
      const latestApp = Math.max(...apps.map((app) => harness.fleet.finishedAt(tenantId, app)));
      expect(harness.fleet.startedAt(tenantId, `bulk-${4_000 + db}`)).toBeGreaterThanOrEqual(latestApp);
    }
    const runs = await harness.client.workflow.count(`WorkflowId = "tenant-deletion:${tenantId}"`);
    expect(runs.count).toBeGreaterThan(1);
    expect(harness.fleet.finalizations.filter((f) => f.tenantId === tenantId)).toHaveLength(1);
  }, 600_000);
});
