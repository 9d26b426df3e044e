import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { serviceTaskQueue, servicePreviewTaskQueue } from '@tenant-deletion/contract';
import { requestDeletion } from '@tenant-deletion/client';
import { upsertInstances } from '../../db/service-instances';
import type { RunningFleet } from '../../services/fleet/fleet';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import {
  config,
  E2E_INSTANCES,
  e2eWorkerConfig,
  fileRoot,
  setFaults,
  startE2eFleet,
  startWorkers,
  temporalClient,
  uniqueTenant,
} from './e2e-stack';

/** The real local stack (Temporal, Postgres, Kafka) and the real fleet: one slow type beside a fast one. */

const EventType = proto.api.enums.v1.EventType;
/** Every call to the slow type takes this long: a preview one call, a deletion at least two (DELETE, verification). */
const SLOW_CALL_MS = 2_000;
/** The approval threshold every deployment has unless it sets APPROVAL_THRESHOLD_RECORDS: previews gate admission. */
const DEFAULT_APPROVAL_THRESHOLD = loadConfig({}).APPROVAL_THRESHOLD_RECORDS;

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });

beforeAll(async () => {
  fleet = await startE2eFleet();
  // The slow type gets one slot, the fast one its default twenty: the bulkhead under test. The approval threshold is
  // the default one, so every request previews each of its instances before any of them is admitted.
  workers = await startWorkers(fleet, e2eWorkerConfig({ serviceTypes: { training: { maxConcurrentActivities: 1 } } }), {
    approvalThresholdRecords: DEFAULT_APPROVAL_THRESHOLD,
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
  // setFaults throws unless the service answers 2xx.
  await setFaults(fleet, training.serviceInstanceId, { latencyMs });
}

/** Where a workflow's history put its work: each scheduled activity's type and task queue, each child's queue. */
async function queuesIn(handle: WorkflowHandle) {
  const { events } = await handle.fetchHistory();
  const activities = events!
    .filter((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    .map((event) => ({
      activityType: event.activityTaskScheduledEventAttributes!.activityType!.name!,
      taskQueue: event.activityTaskScheduledEventAttributes!.taskQueue!.name!,
    }));
  const children = events!
    .filter((event) => event.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
    .map((event) => ({
      workflowId: event.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId!,
      taskQueue: event.startChildWorkflowExecutionInitiatedEventAttributes!.taskQueue!.name!,
    }));
  return { activities, children };
}

describe('the bulkhead, with the default approval threshold on', () => {
  afterEach(() => setTrainingLatency(0));

  it("lets a fast type finish while a saturated slow type still works through its queue (a tenant's fast instance waits only for its own slow preview)", async () => {
    expect(DEFAULT_APPROVAL_THRESHOLD).toBe(1_000_000);
    const tenants = [1, 2, 3, 4].map((n) => uniqueTenant(`bulk${n}`));
    const used = E2E_INSTANCES.filter((i) => ['notification-1', 'training-1'].includes(i.serviceInstanceId));
    const typeOf = new Map(used.map((instance) => [instance.serviceInstanceId, instance.serviceType]));
    for (const tenantId of tenants) {
      await seedTenant({
        tenantId,
        records: 300,
        databaseUrl: config.DATABASE_URL,
        instances: used,
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
    await setTrainingLatency(SLOW_CALL_MS);

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
    const results = await Promise.all(handles.map((handle) => handle.result()));
    expect(results.map((result) => result.status)).toEqual(tenants.map(() => 'COMPLETED'));

    // Each type's work ran on that type's queues alone: the admission previews on its preview queue, the child and
    // its activities on its deletion queue. Had two types shared a queue, or the previews waited in the deletion
    // queue behind the slow type's deletions, this would name the queue.
    for (const [index, tenantId] of tenants.entries()) {
      const parent = await queuesIn(handles[index]);
      const previews = parent.activities.filter((activity) => activity.activityType === 'previewInstance');
      expect(previews.map((preview) => preview.taskQueue).sort()).toEqual(
        ['notification', 'training'].map(servicePreviewTaskQueue).sort(),
      );
      expect(parent.children.map((child) => child.taskQueue).sort()).toEqual(
        ['notification', 'training'].map(serviceTaskQueue).sort(),
      );
      for (const [id, type] of typeOf) {
        const child = await queuesIn(temporal.client.workflow.getHandle(`service-deletion:${tenantId}:${id}`));
        expect(child.activities.length).toBeGreaterThan(0);
        expect(new Set(child.activities.map((activity) => activity.taskQueue))).toEqual(
          new Set([serviceTaskQueue(type)]),
        );
      }
    }

    const closed = async (tenantId: string, id: string) =>
      (await temporal.client.workflow.getHandle(`service-deletion:${tenantId}:${id}`).describe()).closeTime!.getTime();
    const fast = await Promise.all(tenants.map((t) => closed(t, 'notification-1')));
    const slow = (await Promise.all(tenants.map((t) => closed(t, 'training-1')))).sort((a, b) => a - b);
    // Every fast deletion was done before the slow queue had worked through even half of its backlog: a tenant's
    // fast instance waited for its own slow preview (the threshold needs the total), never for the slow deletions.
    expect(Math.max(...fast)).toBeLessThan(slow[1]);
  }, 180_000);
});
