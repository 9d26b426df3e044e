import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { FAILURE_TYPES, serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';
import { serviceFailure } from '../../activities/service-failures';
import { requestDeletion } from '@tenant-deletion/client';
import { until } from '../until';
import { adminRequest } from './fake-fleet';
import { startTestEnvironment } from './temporal-test-env';

/**
 * A legal hold outlasting two hundred re-checks (a month at the default back-off ceiling of an hour is 720; the
 * server fires timers about once a second, so a thousand would take a quarter of an hour here): the child continues
 * as new on its event budget, about ten re-checks a run, and the parent hears of the hold and of its end only.
 */

const RECHECKS = 200;
const CHILD_EVENT_BUDGET = 100;
const EventType = proto.api.enums.v1.EventType;

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment({
    holdRecheckSeconds: 0.01,
    holdRecheckMaxSeconds: 0.01,
    holdContinueAsNewAfterEvents: CHILD_EVENT_BUDGET,
  });
}, 120_000);
afterAll(() => harness?.teardown());

/** Each run of a workflow id with its history's events. */
async function histories(client: Client, workflowId: string) {
  const runs = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    runs.push((await client.workflow.getHandle(workflowId, run.runId).fetchHistory()).events ?? []);
  }
  return runs;
}

describe('a legal hold held through two hundred re-checks', () => {
  it('keeps each child run within its event budget and the parent to one run of four signals (the request, the hold, its end, the outcome), then deletes once the hold is lifted', async () => {
    const tenantId = `hold-${randomUUID().slice(0, 8)}`;
    harness.fleet.addTenant(tenantId, [['db-1']]);
    let held = true;
    harness.fleet.behave(tenantId, 'db-1', async (_input, attempt) => {
      if (held) throw serviceFailure(FAILURE_TYPES.legalHold, 'db answered DELETE with 409: legal hold', { attempt });
      return { rows: 4 };
    });
    const handle = await requestDeletion(harness.client, adminRequest(tenantId));
    await until(() => harness.fleet.callsOf(tenantId).length >= RECHECKS, `${RECHECKS} re-checks of the hold`, 600_000);
    held = false;
    const result = await handle.result();

    expect(result.instances).toEqual([expect.objectContaining({ status: 'COMPLETED', deletedCounts: { rows: 4 } })]);
    const childRuns = await histories(harness.client, serviceInstanceWorkflowId(tenantId, 'db-1'));
    const parentRuns = await histories(harness.client, tenantWorkflowId(tenantId));
    const signals = parentRuns
      .flat()
      .filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
      .map((event) => event.workflowExecutionSignaledEventAttributes?.signalName);
    console.log(
      JSON.stringify({
        rechecks: harness.fleet.callsOf(tenantId).length,
        childRuns: childRuns.length,
        largestChildRun: Math.max(...childRuns.map((events) => events.length)),
        parentEvents: parentRuns.map((events) => events.length),
        signals,
      }),
    );
    // Two hundred re-checks cannot fit one run of 100 events: the child continued as new, each run within budget
    // (plus the few events of the task that decides to continue).
    expect(childRuns.length).toBeGreaterThan(RECHECKS / CHILD_EVENT_BUDGET);
    for (const events of childRuns) expect(events.length).toBeLessThanOrEqual(CHILD_EVENT_BUDGET + 20);
    // The parent: the request, the hold, its release, the outcome; nothing per re-check.
    expect(parentRuns).toHaveLength(1);
    expect(signals).toEqual(['requestDeletion', 'instanceHoldChanged', 'instanceHoldChanged', 'instanceFinished']);
    expect(parentRuns[0].length).toBeLessThan(100);
  }, 900_000);
});
