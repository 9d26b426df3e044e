import { randomUUID } from 'node:crypto';
import { requestDeletion } from '@tenant-deletion/client';
import type { RunningFleet } from '../../services/fleet/fleet';
import pg from 'pg';
import { instanceDatabaseUrl } from '../../services/fleet/fleet-databases';
import {
  config,
  E2E_INSTANCES,
  previews,
  seed,
  startE2eFleet,
  startWorkers,
  temporalClient,
  uniqueTenant,
} from './e2e-stack';

/** Services that answer 202 + Location and delete in resumable batches: the activity polls until they are done. */

const ASYNC_THRESHOLD_ROWS = 50;

/** The kit's own record of the deletion runs it made for a tenant: `background` is a run answered with 202. */
async function backgroundRuns(serviceInstanceId: string, tenantId: string) {
  const instance = E2E_INSTANCES.find((i) => i.serviceInstanceId === serviceInstanceId)!;
  const db = new pg.Pool({ connectionString: instanceDatabaseUrl(config.DATABASE_URL, instance), max: 1 });
  try {
    const { rows } = await db.query('SELECT background, status FROM kit_deletion_runs WHERE tenant_id = $1', [
      tenantId,
    ]);
    return rows;
  } finally {
    await db.end();
  }
}

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;

beforeAll(async () => {
  fleet = await startE2eFleet({
    asyncThresholdRows: ASYNC_THRESHOLD_ROWS,
    singleTransactionMaxRows: 100,
    batchSize: 50,
  });
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

    // Every instance holding more than the async threshold answered 202 and finished its run in the background.
    const large = Object.entries(seeded).filter(([, total]) => total > ASYNC_THRESHOLD_ROWS);
    expect(large.length).toBeGreaterThan(0);
    for (const [serviceInstanceId] of large) {
      expect([serviceInstanceId, await backgroundRuns(serviceInstanceId, tenantId)]).toEqual([
        serviceInstanceId,
        [{ background: true, status: 'finished' }],
      ]);
    }
  }, 180_000);
});
