import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { serviceInstanceWorkflowId } from '@tenant-deletion/contract';
import type { RunningFleet } from '../../services/fleet/fleet';
import { until } from '../until';
import {
  adminCall,
  e2eWorkerConfig,
  previews,
  requestWholeTenant,
  seedOn,
  setFaults,
  startE2eFleet,
  temporalClient,
  tenantRowsBySql,
  uniqueTenant,
} from './e2e-stack';
import { recordedActivities } from './history-timings';
import { WorkerProcesses, type WorkerProcess } from './worker-processes';

/**
 * How a worker process ends, on the real stack and fleet, with `npm run worker` as real processes: SIGTERM drains it
 * (the running delete finishes in its attempt, then the process exits 0), and a worker SIGKILLed while polling a 202's
 * Location leaves that Location in the activity's heartbeat details, so the next attempt polls the same job instead
 * of sending another DELETE. What reached the service is read from the kit's request counts.
 */

const SERVICE = 'notification-1';
/** Above this many rows the service answers DELETE with 202 and deletes in the background, in batches of 10. */
const ASYNC_THRESHOLD_ROWS = 50;

let fleet: RunningFleet;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let workerProcesses: WorkerProcesses;
/** Worker processes a test still runs: drained after it, so the next test's worker is the only one polling. */
const running = new Set<WorkerProcess>();

beforeAll(async () => {
  fleet = await startE2eFleet({
    asyncThresholdRows: ASYNC_THRESHOLD_ROWS,
    singleTransactionMaxRows: 10,
    batchSize: 10,
  });
  temporal = await temporalClient();
  workerProcesses = new WorkerProcesses(fleet, e2eWorkerConfig({ shutdownGraceSeconds: 60 }));
}, 120_000);
afterEach(async () => {
  for (const worker of running) await stop(worker, 'SIGTERM');
  await setFaults(fleet, SERVICE, {});
});
afterAll(async () => {
  workerProcesses?.close();
  await temporal?.close();
  await fleet?.close();
});

async function startWorker(): Promise<WorkerProcess> {
  const worker = await workerProcesses.start();
  running.add(worker);
  return worker;
}

/** Signals the worker's process group (tsx and node, as a terminal's Ctrl-C does) and waits for it to exit. */
async function stop(worker: WorkerProcess, signal: NodeJS.Signals) {
  process.kill(-worker.child.pid!, signal);
  const exit = await worker.exited;
  running.delete(worker);
  return { ...exit, at: Date.now() };
}

/** The requests the service received, by method and path (services/kit/request-counts.ts). */
async function requestCounts(): Promise<Record<string, number>> {
  return (await adminCall(fleet, SERVICE, 'GET', '/admin/request-counts')).counts as Record<string, number>;
}

function servicePath(relative: string): string {
  return `${new URL(fleet.instances.find((i) => i.serviceInstanceId === SERVICE)!.baseUrl).pathname}${relative}`;
}

const deletesOf = (counts: Record<string, number>, tenantId: string) =>
  counts[`DELETE ${servicePath(`/tenant/${tenantId}`)}`] ?? 0;

/** The heartbeat details of the instance's deleteInstance while it runs, decoded; undefined before and after. */
async function pendingDelete(tenantId: string) {
  const handle = temporal.client.workflow.getHandle(serviceInstanceWorkflowId(tenantId, SERVICE));
  const description = await handle.describe().catch(() => undefined);
  const pending = description?.raw.pendingActivities?.find((a) => a.activityType?.name === 'deleteInstance');
  if (!pending) return undefined;
  return decodeFromPayloadsAtIndex<{ location?: string } | undefined>(
    temporal.client.options.loadedDataConverter,
    0,
    pending.heartbeatDetails?.payloads,
  );
}

const childActivities = (tenantId: string) =>
  recordedActivities(temporal.client, serviceInstanceWorkflowId(tenantId, SERVICE));

describe('a worker process ending mid-deletion', () => {
  it('drains on SIGTERM: the running delete finishes in its first attempt, then the process exits 0', async () => {
    const tenantId = uniqueTenant('drain');
    await seedOn(fleet, tenantId, 20, [SERVICE]);
    const seeded = (await previews(fleet, tenantId))[SERVICE];
    expect(seeded).toBeGreaterThan(0);
    // Answered in one synchronous DELETE (no 202), each request to the service taking 4 s.
    expect(seeded).toBeLessThanOrEqual(ASYNC_THRESHOLD_ROWS);
    await setFaults(fleet, SERVICE, { latencyMs: 4_000 });
    const draining = await startWorker();
    const handle = await requestWholeTenant(temporal.client, tenantId);

    // The DELETE has reached the service (counted before the latency) and waits there for its answer.
    await until(async () => deletesOf(await requestCounts(), tenantId) === 1, 'the DELETE at the service', 60_000);
    const signalledAt = Date.now();
    const exit = await stop(draining, 'SIGTERM');

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    // It waited for the DELETE and the verifying preview (4 s each), not for the 60 s grace time.
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(4_000);
    expect(exit.at - signalledAt).toBeLessThan(40_000);
    expect(draining.output()).toMatch(/SIGTERM: draining: the workers stopped polling; [1-9]\d* running activities/);
    expect(draining.output()).toMatch(/drained in \d+\.\d s: every worker stopped/);
    // The delete ended while the worker drained, in its first attempt.
    const [deletion] = await childActivities(tenantId);
    expect([deletion.activityType, deletion.outcome, deletion.attempt]).toEqual(['deleteInstance', 'completed', 1]);
    expect(deletion.endedAt!).toBeLessThanOrEqual(exit.at);

    // The workflows go on on the next worker.
    await setFaults(fleet, SERVICE, {});
    await startWorker();
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toEqual([
      expect.objectContaining({ serviceInstanceId: SERVICE, status: 'COMPLETED', attempts: 1, failureReason: null }),
    ]);
    expect(Object.values(result.instances[0].deletedCounts).reduce((sum, n) => sum + n, 0)).toBe(seeded);
    expect(deletesOf(await requestCounts(), tenantId)).toBe(1);
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).every((n) => n === 0)).toBe(true);
  }, 180_000);

  it('resumes polling the same Location after a SIGKILL mid-poll: one DELETE at the service, and the instance completes', async () => {
    const tenantId = uniqueTenant('resume');
    await seedOn(fleet, tenantId, 1_000, [SERVICE]);
    const seeded = (await previews(fleet, tenantId))[SERVICE];
    expect(seeded).toBeGreaterThan(ASYNC_THRESHOLD_ROWS * 10);
    // The background job stops after each batch, as if its process died; each poll resumes it for one batch more.
    // So it is far from done when the worker is killed.
    await setFaults(fleet, SERVICE, { crashAfterBatches: 1 });
    const killed = await startWorker();
    const handle = await requestWholeTenant(temporal.client, tenantId);

    let location = '';
    await until(
      async () => {
        location = (await pendingDelete(tenantId))?.location ?? '';
        return location !== '';
      },
      'the Location in the heartbeat details',
      60_000,
    );
    const jobPoll = `GET ${new URL(location).pathname}`;
    await until(async () => ((await requestCounts())[jobPoll] ?? 0) >= 2, 'polls of the Location', 30_000);
    await stop(killed, 'SIGKILL');
    const atKill = await requestCounts();
    expect(deletesOf(atKill, tenantId)).toBe(1);
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).some((n) => n > 0)).toBe(true);

    await setFaults(fleet, SERVICE, {});
    const next = await startWorker();
    const result = await handle.result();

    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toEqual([
      expect.objectContaining({ serviceInstanceId: SERVICE, status: 'COMPLETED', attempts: 2, failureReason: null }),
    ]);
    // The job's total over every batch, all of them under the one DELETE.
    expect(Object.values(result.instances[0].deletedCounts).reduce((sum, n) => sum + n, 0)).toBe(seeded);
    const after = await requestCounts();
    expect(deletesOf(after, tenantId)).toBe(1);
    expect(after[jobPoll]).toBeGreaterThan(atKill[jobPoll]);
    expect(next.output()).toContain('resuming the deletion job an earlier attempt was polling');
    const [deletion] = await childActivities(tenantId);
    expect([deletion.activityType, deletion.outcome, deletion.attempt]).toEqual(['deleteInstance', 'completed', 2]);
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).every((n) => n === 0)).toBe(true);
  }, 180_000);
});
