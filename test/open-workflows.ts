import type { Client } from '@temporalio/client';

/**
 * Terminates the running workflows whose ids start with one of `prefixes`: what a suite started on the shared stack
 * and left open (a FAILED deletion waits for a retry or a cancel for ever) must not show in a later suite's gauges
 * and counts. Returns how many it ended.
 */
export async function terminateOpenWorkflows(client: Client, prefixes: readonly string[], reason: string) {
  let ended = 0;
  for (const prefix of prefixes) {
    const query = `ExecutionStatus = "Running" AND WorkflowId STARTS_WITH "${prefix}"`;
    for await (const execution of client.workflow.list({ query })) {
      await client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .terminate(reason)
        .then(() => (ended += 1))
        .catch(() => undefined); // ended meanwhile
    }
  }
  return ended;
}
