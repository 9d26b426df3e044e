import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import type pg from 'pg';
import { serviceInstanceWorkflowId } from '@tenant-deletion/contract';
import type { WorkflowFacts } from './workflow-histories';

/**
 * Proof that the worker's SIGKILL landed mid-deletion. Just before the kill, the run asks the ledger which
 * instances are IN_PROGRESS and Temporal which of their deleteInstance activities has an attempt running on the
 * worker about to die (pending, STARTED, last worker = one of its processes). After the run, each one's history
 * must show that it ended after the kill, in a later attempt: the running attempt died with its worker, and the
 * restarted worker finished the deletion.
 */

const STARTED = proto.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
const DELETE_ACTIVITY = 'deleteInstance';

export interface RunningDeletion {
  workflowId: string;
  activityId: string;
  attempt: number;
  startedAt: number;
}

export interface WorkerKillEvidence {
  /** Ledger rows of the run's tenants IN_PROGRESS just before the kill. */
  ledgerInProgress: number;
  /** deleteInstance attempts running on the killed worker when it was killed. */
  runningAtKill: number;
  /** How long before the kill the newest of them had started, in ms (an attempt lasts the fleet's latency at least). */
  newestStartedBeforeKillMs: number | null;
  /** Of those, ended after the kill in a later attempt (the killed one never finished). */
  finishedByLaterAttempt: number;
  examples: { workflowId: string; attemptAtKill: number; lastAttempt: number; endedAfterKillMs: number }[];
  ok: boolean;
}

/**
 * The deleteInstance attempts running right now on a worker with one of `identities`, among the `sample` instances
 * whose ledger rows went IN_PROGRESS last (each attempt marks them as it starts), and how many are IN_PROGRESS.
 */
export async function runningDeletions(
  client: Client,
  db: pg.Pool,
  tenants: readonly string[],
  identities: ReadonlySet<string>,
  sample = 8,
): Promise<{ ledgerInProgress: number; running: RunningDeletion[] }> {
  const { rows } = await db.query<{ tenant_id: string; service_instance_id: string; in_progress: number }>(
    `SELECT tenant_id, service_instance_id, count(*) OVER ()::int AS in_progress
       FROM (SELECT tenant_id, service_instance_id, max(updated_at) AS updated_at FROM service_deletion_requests
              WHERE tenant_id = ANY($1) AND status = 'IN_PROGRESS' AND NOT dry_run
              GROUP BY tenant_id, service_instance_id) latest
      ORDER BY updated_at DESC LIMIT $2`,
    [tenants, sample],
  );
  const descriptions = await Promise.all(
    rows.map(({ tenant_id, service_instance_id }) =>
      client.workflow
        .getHandle(serviceInstanceWorkflowId(tenant_id, service_instance_id))
        .describe()
        .catch(() => undefined),
    ),
  );
  const running = descriptions.flatMap((description) =>
    (description?.raw.pendingActivities ?? [])
      .filter(
        (activity) =>
          activity.state === STARTED &&
          activity.activityType?.name === DELETE_ACTIVITY &&
          identities.has(activity.lastWorkerIdentity ?? ''),
      )
      .map((activity) => ({
        workflowId: description!.workflowId,
        activityId: activity.activityId!,
        attempt: activity.attempt ?? 1,
        startedAt: tsToMs(activity.lastStartedTime),
      })),
  );
  return { ledgerInProgress: rows[0]?.in_progress ?? 0, running };
}

export function workerKillEvidence(
  captured: { ledgerInProgress: number; running: RunningDeletion[] },
  killedAt: number,
  histories: readonly WorkflowFacts[],
): WorkerKillEvidence {
  const byWorkflow = new Map(histories.map((facts) => [facts.workflowId, facts]));
  const examples = captured.running.flatMap((running) => {
    const activity = byWorkflow
      .get(running.workflowId)
      ?.activities.find((a) => a.activityId === running.activityId && a.activityType === DELETE_ACTIVITY);
    if (!activity || activity.outcome !== 'completed' || activity.endedAt === undefined) return [];
    if (activity.endedAt <= killedAt || (activity.attempt ?? 1) <= running.attempt) return [];
    return [
      {
        workflowId: running.workflowId,
        attemptAtKill: running.attempt,
        lastAttempt: activity.attempt!,
        endedAfterKillMs: activity.endedAt - killedAt,
      },
    ];
  });
  return {
    ledgerInProgress: captured.ledgerInProgress,
    runningAtKill: captured.running.length,
    newestStartedBeforeKillMs:
      captured.running.length === 0 ? null : killedAt - Math.max(...captured.running.map((r) => r.startedAt)),
    finishedByLaterAttempt: examples.length,
    examples: examples.slice(0, 3),
    ok: examples.length > 0,
  };
}
