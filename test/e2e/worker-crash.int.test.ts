import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TOPICS } from '@tenant-deletion/contract';
import { requestDeletion } from '@tenant-deletion/client';
import type { RunningFleet } from '../../services/fleet/fleet';
import { config, previews, seed, startE2eFleet, temporalClient, topicMessages, uniqueTenant } from './e2e-stack';
import { WorkerProcesses } from './worker-processes';

let fleet: RunningFleet;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let workerProcesses: WorkerProcesses;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });

beforeAll(async () => {
  // Every call to a service is slowed, so that the kill lands mid-deletion.
  fleet = await startE2eFleet({ faults: { latencyMs: 600 } });
  temporal = await temporalClient();
  workerProcesses = new WorkerProcesses(fleet);
}, 120_000);
afterAll(async () => {
  workerProcesses?.close();
  await temporal?.close();
  await fleet?.close();
  await db.end();
});

describe('a worker SIGKILLed mid-deletion', () => {
  it('is restarted and the deletion finishes with correct counts and one finalization', async () => {
    const tenant = uniqueTenant('crash');
    await seed(fleet, tenant, 4_000);
    const seeded = await previews(fleet, tenant);
    let { child: worker } = await workerProcesses.start();
    const requestId = `r-${randomUUID()}`;
    const handle = await requestDeletion(temporal.client, {
      requestId,
      tenantId: tenant,
      requestedBy: 'admin-e2e',
      traceId: 'trace-crash',
      gdprMode: false,
      dryRun: false,
    });

    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM service_deletion_requests WHERE deletion_request_id = $1 AND status = 'COMPLETED'`,
        [requestId],
      );
      if (rows[0].n >= 3) break;
      if (Date.now() > deadline) throw new Error('no progress before the kill');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-worker.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    ({ child: worker } = await workerProcesses.start());
    try {
      const result = await handle.result();
      expect(result.status).toBe('COMPLETED');
      for (const instance of result.instances) {
        const deleted = Object.values(instance.deletedCounts).reduce((sum, n) => sum + n, 0);
        expect([instance.serviceInstanceId, deleted]).toEqual([
          instance.serviceInstanceId,
          seeded[instance.serviceInstanceId],
        ]);
      }
      expect(Object.values(await previews(fleet, tenant)).every((total) => total === 0)).toBe(true);
      const lifecycle = await topicMessages(TOPICS.lifecycleEvents, tenant, 2);
      const distinct = new Map(lifecycle.map((m) => [m.eventId, m.value.type]));
      expect([...distinct.values()].sort()).toEqual(['TENANT_DELETED', 'TENANT_EMPTY']);
    } finally {
      process.kill(-worker.pid!, 'SIGTERM');
    }
  }, 240_000);
});
