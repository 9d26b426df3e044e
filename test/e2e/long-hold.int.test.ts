import type { Client } from '@temporalio/client';
import { serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';
import type { RunningFleet } from '../../services/fleet/fleet';
import { progressQuery } from '@tenant-deletion/client';
import { until } from '../until';
import {
  adminCall,
  e2eWorkerConfig,
  requestWholeTenant,
  seedOn,
  startE2eFleet,
  startWorkers,
  temporalClient,
  tenantRowsBySql,
  uniqueTenant,
} from './e2e-stack';

/**
 * A legal hold can last a month: about 750 hourly re-checks once the back-off reaches its cap. With re-checks
 * asked for every 20 ms (the dev server fires timers after about a second at the soonest) and the smallest event
 * budget, this file puts a real hold through 60 re-checks in about a minute and a half and checks that neither
 * history grows with them: the child hands over to new runs, and the parent hears of the hold once and of its end
 * once. More re-checks only add runs of the same size.
 */

const SERVICE = 'notification-1';
const EVENT_BUDGET = 100;
const RECHECKS = 60;

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;

beforeAll(async () => {
  fleet = await startE2eFleet();
  workers = await startWorkers(
    fleet,
    e2eWorkerConfig({
      orchestration: {
        holdRecheckSeconds: 0.02,
        holdRecheckMaxSeconds: 0.02,
        holdContinueAsNewAfterEvents: EVENT_BUDGET,
      },
    }),
    { approvalThresholdRecords: null },
  );
  temporal = await temporalClient();
}, 120_000);
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
});

/** Every run of a workflow id, newest first, with its history length. */
async function runsOf(client: Client, workflowId: string) {
  const runs: { runId: string; historyLength: number; status: string }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: run.runId, historyLength: run.historyLength, status: run.status.name });
  }
  return runs;
}

/** DELETEs the hold refused, over every run of the child: each is one failed activity in its run's history. */
async function refusedDeletes(client: Client, workflowId: string): Promise<number> {
  let refused = 0;
  for (const { runId } of await runsOf(client, workflowId)) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    refused += (history.events ?? []).filter((event) => event.activityTaskFailedEventAttributes).length;
  }
  return refused;
}

async function holdSignals(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter(
    (event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'instanceHoldChanged',
  ).length;
}

describe('a legal hold held through dozens of re-checks', () => {
  it('keeps every child run within its event budget by continuing as new, signals the parent twice in all, and deletes after the hold is lifted', async () => {
    const tenantId = uniqueTenant('long-hold');
    await seedOn(fleet, tenantId, 40, [SERVICE]);
    await adminCall(fleet, SERVICE, 'PUT', `/admin/legal-holds/${tenantId}`, { reason: 'litigation, case 2026-30' });
    const handle = await requestWholeTenant(temporal.client, tenantId);
    const childId = serviceInstanceWorkflowId(tenantId, SERVICE);
    await until(
      async () => (await refusedDeletes(temporal.client, childId)) >= RECHECKS,
      `${RECHECKS} re-checks`,
      240_000,
    );

    const held = await handle.query(progressQuery);
    expect(held.instances.find((i) => i.serviceInstanceId === SERVICE)?.status).toBe('ON_HOLD');
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).some((n) => n > 0)).toBe(true);

    await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
    const result = await handle.result();
    expect(result.instances.find((i) => i.serviceInstanceId === SERVICE)).toMatchObject({
      status: 'COMPLETED',
      attempts: 1,
    });
    expect(Object.values(await tenantRowsBySql(SERVICE, tenantId)).every((n) => n === 0)).toBe(true);

    const runs = await runsOf(temporal.client, childId);
    // A run hands over at the first re-check past the budget: about a dozen events past it at most.
    for (const run of runs) expect([run.runId, run.historyLength <= EVENT_BUDGET + 20]).toEqual([run.runId, true]);
    expect(runs.filter((run) => run.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(4);
    expect(await holdSignals(temporal.client, tenantWorkflowId(tenantId))).toBe(2);
  }, 300_000);
});
