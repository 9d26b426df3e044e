import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { FAILURE_TYPES, serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';
import { serviceFailure } from '../../activities/service-failures';
import { requestDeletion, summaryQuery } from '@tenant-deletion/client';
import { until } from '../until';
import { adminRequest } from './fake-fleet';
import { startTestEnvironment } from './temporal-test-env';

/** gRPC status codes (grpc/status.h) of a query that met a busy or retried workflow task. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;

/**
 * The limits Temporal sets (2,000 pending activities, 51,200 events and 50 MB of history per run, 2 MB payloads,
 * 10,000 signals) met by one tenant with 5,000 instances under the default orchestration settings and the default
 * guard rails: every instance previewed against the 1,000,000-record approval threshold, realistic 40-character
 * ids and 60-character URLs, per-instance requests beside the whole-tenant one, and one legal hold.
 */

const INSTANCES = 5_000;
const APPS = 4_000;
/** 40 characters, like a service instance id built from a cluster, a service and a uuid fragment. */
const instanceId = (i: number) => `bulk-${String(i).padStart(6, '0')}-${'x'.repeat(28)}`;

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  // Hold re-checks every 50 ms, so that a test sees hundreds of them in a minute.
  harness = await startTestEnvironment({ holdRecheckSeconds: 0.05, holdRecheckMaxSeconds: 0.05 });
  harness.fleet.guardRails = { approvalThresholdRecords: 1_000_000, gracePeriodSeconds: 0 };
}, 120_000);
afterAll(() => harness?.teardown());

interface RunSize {
  runId: string;
  events: number;
  bytes: number;
}

/** Every run of a workflow id, with the length and size of its history as the server reports them. */
async function runSizes(client: Client, workflowId: string): Promise<RunSize[]> {
  const runs: RunSize[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const described = await client.workflow.getHandle(workflowId, run.runId).describe();
    // The server reports a size for every run it has; a missing one would fail the size checks below.
    runs.push({ runId: run.runId, events: described.historyLength, bytes: described.historySize ?? Infinity });
  }
  return runs;
}

describe('a tenant with 5,000 instances under the default settings and guard rails', () => {
  it('previews all 5,000 below the approval threshold, deletes dependents first, and keeps every run’s history under half of Temporal’s limits while one instance sits on a legal hold', async () => {
    const started = Date.now();
    const tenantId = `big-${randomUUID().slice(0, 8)}`;
    // 4,000 apps, each using one of 1,000 databases: a database goes once its four apps are gone.
    harness.fleet.addTenant(tenantId, [
      ...Array.from({ length: APPS }, (_, i): [string, string[]] => [instanceId(i), [instanceId(APPS + (i % 1_000))]]),
      ...Array.from({ length: INSTANCES - APPS }, (_, i): [string] => [instanceId(APPS + i)]),
    ]);
    for (const instance of harness.fleet.inventories.get(tenantId)!) {
      instance.baseUrl = `http://bulk.tenant-data.svc.cluster.local:8080/${instance.serviceInstanceId.slice(0, 12)}`;
    }
    const heldDb = instanceId(INSTANCES - 1);
    let held = true;
    harness.fleet.behave(tenantId, heldDb, async (_input, attempt) => {
      if (held) throw serviceFailure(FAILURE_TYPES.legalHold, 'bulk answered DELETE with 409: legal hold', { attempt });
      return { rows: 3 };
    });

    // Twenty per-instance requests first, then the whole tenant: one workflow absorbs them all.
    const firstApps = Array.from({ length: 20 }, (_, i) => [instanceId(i)]);
    const handle = await requestDeletion(harness.client, adminRequest(tenantId, firstApps[0]));
    for (const apps of firstApps.slice(1)) await requestDeletion(harness.client, adminRequest(tenantId, apps));
    await requestDeletion(harness.client, adminRequest(tenantId));

    await until(
      async () => {
        // A query is answered between workflow tasks, and a task of a run this large can outlast the query's
        // deadline (DEADLINE_EXCEEDED) or be retried (FAILED_PRECONDITION): ask again; `until` bounds the wait.
        const summary = await handle.query(summaryQuery).catch((error: unknown) => {
          const code = (error as { cause?: { code?: number } }).cause?.code;
          if (code === GRPC_DEADLINE_EXCEEDED || code === GRPC_FAILED_PRECONDITION) return undefined;
          throw error;
        });
        if (!summary) return false;
        return summary.totals.COMPLETED === INSTANCES - 1 && summary.totals.ON_HOLD === 1;
      },
      'every instance but the held one to complete',
      900_000,
    );
    const heldAt = Date.now();
    await until(
      () => harness.fleet.callsOf(tenantId).filter((c) => c.serviceInstanceId === heldDb).length >= 100,
      'a hundred re-checks of the hold',
      120_000,
    );
    held = false;
    const result = await handle.result();
    const elapsed = Date.now() - started;

    expect(result.status).toBe('COMPLETED');
    expect(result.instances).toHaveLength(INSTANCES);
    expect(result.instances.every((instance) => instance.status === 'COMPLETED')).toBe(true);
    // Each request is admitted against the threshold on its own previews: the twenty apps are previewed twice.
    expect(harness.fleet.callsOf(tenantId, 'previewInstance')).toHaveLength(INSTANCES + firstApps.length);
    const deleteCalls = harness.fleet.callsOf(tenantId).filter((call) => call.serviceInstanceId !== heldDb);
    expect(new Set(deleteCalls.map((call) => call.serviceInstanceId)).size).toBe(INSTANCES - 1);
    expect(deleteCalls).toHaveLength(INSTANCES - 1);
    for (let db = 0; db < 1_000; db += 97) {
      const apps = [0, 1, 2, 3].map((k) => instanceId(db + k * 1_000));
      const latestApp = Math.max(...apps.map((app) => harness.fleet.finishedAt(tenantId, app)));
      expect(harness.fleet.startedAt(tenantId, instanceId(APPS + db))).toBeGreaterThanOrEqual(latestApp);
    }
    expect(harness.fleet.finalizations.filter((f) => f.tenantId === tenantId)).toHaveLength(1);

    const parentRuns = await runSizes(harness.client, tenantWorkflowId(tenantId));
    const heldChildRuns = await runSizes(harness.client, serviceInstanceWorkflowId(tenantId, heldDb));
    console.log(
      JSON.stringify({
        instances: INSTANCES,
        seconds: Math.round(elapsed / 1_000),
        holdSeconds: Math.round((Date.now() - heldAt) / 1_000),
        holdRechecks: harness.fleet.callsOf(tenantId).filter((c) => c.serviceInstanceId === heldDb).length,
        parentRuns,
        heldChildRuns,
      }),
    );
    // Continue-as-new keeps each parent run under half of 51,200 events and 50 MB; it happened at least once. The
    // first run is the largest: admission previews every instance before the run may hand over (5,020 previews).
    expect(parentRuns.length).toBeGreaterThan(1);
    for (const run of parentRuns) {
      expect(run.events).toBeLessThan(25_600);
      expect(run.bytes).toBeLessThan(25 * 1024 * 1024);
    }
    // The held child's hundred re-checks stay within its own budget (holdContinueAsNewAfterEvents, 2,000 events);
    // test/workflows/hold-rechecks.int.test.ts holds one through two hundred, over many runs.
    for (const run of heldChildRuns) expect(run.events).toBeLessThan(2_100);
  }, 1_200_000);
});
