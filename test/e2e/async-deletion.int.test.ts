import { randomUUID } from 'node:crypto';
import { requestDeletion } from '../../client/request-deletion';
import type { RunningFleet } from '../../services/fleet/fleet';
import { previews, seed, startE2eFleet, startWorkers, temporalClient, uniqueTenant } from './e2e-stack';

/** Services that answer 202 + Location and delete in resumable batches: the activity polls until they are done. */

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;

beforeAll(async () => {
  fleet = await startE2eFleet({ asyncThresholdRows: 50, singleTransactionMaxRows: 100, batchSize: 50 });
  workers = await startWorkers(fleet);
  temporal = await temporalClient();
}, 120_000);
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
});

describe('a deletion the services run in the background', () => {
  it('follows every 202 to the end and verifies the previews are zero', async () => {
    const tenantId = uniqueTenant('async');
    await seed(fleet, tenantId, 3_000);
    const seeded = await previews(fleet, tenantId);
    const result = await (
      await requestDeletion(temporal.client, {
        requestId: `r-${randomUUID()}`,
        tenantId,
        requestedBy: 'admin-e2e',
        traceId: 'trace-async',
        gdprMode: false,
        dryRun: false,
      })
    ).result();
    expect(result.status).toBe('COMPLETED');
    for (const instance of result.instances) {
      const deleted = Object.values(instance.deletedCounts).reduce((sum, n) => sum + n, 0);
      expect([instance.serviceInstanceId, deleted]).toEqual([
        instance.serviceInstanceId,
        seeded[instance.serviceInstanceId],
      ]);
    }
    expect(Object.values(await previews(fleet, tenantId)).every((total) => total === 0)).toBe(true);
  }, 180_000);
});
