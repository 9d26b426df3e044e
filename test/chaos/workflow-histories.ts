import type { Client } from '@temporalio/client';
import { ApplicationFailure, tsToMs } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { temporal as proto } from '@temporalio/proto';
import pLimit from 'p-limit';
import type { FailureDetails } from '@tenant-deletion/contract';
import { requestDeletionSignal } from '@tenant-deletion/client';

/**
 * What the chaos run reads back from Temporal's histories, as the server recorded them. The server writes one
 * ActivityTaskStarted per activity, for the attempt that ended it: its time, its attempt number, the worker that
 * ran it and the previous attempt's failure (decoded with the client's data converter, which encrypts failure
 * details). A workflow's start and its requestDeletion signals carry the identity of the client that sent them,
 * which tells which bridge process handed a request over.
 */

const EventType = proto.api.enums.v1.EventType;

export interface PreviousFailure {
  type: string | null;
  /** The delay the activity asked for (a service's Retry-After); null when the retry policy decides. */
  nextRetryDelayMs: number | null;
  httpStatus: number | null;
  /** Temporal timed the attempt out (heartbeat or start-to-close): its worker went silent. */
  timedOut: boolean;
}

export interface ActivityFacts {
  workflowId: string;
  activityId: string;
  activityType: string;
  scheduledAt: number;
  /** The retry policy's first interval: what a second attempt waits when the failure names no delay. */
  initialIntervalMs: number;
  /** The last attempt: when it started, its number, the worker identity that ran it. */
  startedAt?: number;
  attempt?: number;
  startedBy?: string;
  previousFailure?: PreviousFailure;
  endedAt?: number;
  outcome: 'open' | 'completed' | 'failed' | 'timedOut' | 'cancelled';
}

export interface WorkflowFacts {
  workflowId: string;
  activities: ActivityFacts[];
  /** Identities of the clients that started the workflow or signalled requestDeletion, every run included. */
  requestedBy: string[];
}

/** Facts of each workflow (every run of a chain of continue-as-new); a workflow that does not exist is left out. */
export async function workflowFacts(client: Client, workflowIds: string[], concurrency = 8): Promise<WorkflowFacts[]> {
  const limit = pLimit(concurrency);
  const facts = await Promise.all(workflowIds.map((id) => limit(() => factsOf(client, id).catch(() => undefined))));
  return facts.filter((fact) => fact !== undefined);
}

async function factsOf(client: Client, workflowId: string): Promise<WorkflowFacts> {
  const facts: WorkflowFacts = { workflowId, activities: [], requestedBy: [] };
  // Every run under the id: those of a continue-as-new chain, and a later execution that a replayed request started
  // after the first one ended.
  let runs = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const { events } = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    await readRun(client, events ?? [], facts);
    runs += 1;
  }
  if (runs === 0) throw new Error(`no workflow ${workflowId}`);
  return facts;
}

/** Adds one run's facts. */
async function readRun(client: Client, events: proto.api.history.v1.IHistoryEvent[], facts: WorkflowFacts) {
  const byScheduledId = new Map<string, ActivityFacts>();
  const scheduled = (id: unknown) => byScheduledId.get(String(id))!;
  for (const event of events) {
    const at = tsToMs(event.eventTime);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const started = event.workflowExecutionStartedEventAttributes!;
        if (started.identity) facts.requestedBy.push(started.identity);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const signal = event.workflowExecutionSignaledEventAttributes!;
        if (signal.signalName === requestDeletionSignal.name && signal.identity)
          facts.requestedBy.push(signal.identity);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const attributes = event.activityTaskScheduledEventAttributes!;
        const activity: ActivityFacts = {
          workflowId: facts.workflowId,
          activityId: attributes.activityId!,
          activityType: attributes.activityType!.name!,
          scheduledAt: at,
          initialIntervalMs: attributes.retryPolicy?.initialInterval
            ? tsToMs(attributes.retryPolicy.initialInterval)
            : 1_000,
          outcome: 'open',
        };
        byScheduledId.set(String(event.eventId), activity);
        facts.activities.push(activity);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const started = event.activityTaskStartedEventAttributes!;
        Object.assign(scheduled(started.scheduledEventId), {
          startedAt: at,
          attempt: started.attempt,
          startedBy: started.identity ?? undefined,
          previousFailure: started.lastFailure ? await previousFailure(client, started.lastFailure) : undefined,
        });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        ended(scheduled(event.activityTaskCompletedEventAttributes!.scheduledEventId), 'completed', at);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        ended(scheduled(event.activityTaskFailedEventAttributes!.scheduledEventId), 'failed', at);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        ended(scheduled(event.activityTaskTimedOutEventAttributes!.scheduledEventId), 'timedOut', at);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        ended(scheduled(event.activityTaskCanceledEventAttributes!.scheduledEventId), 'cancelled', at);
        break;
      default:
        break;
    }
  }
}

function ended(activity: ActivityFacts, outcome: ActivityFacts['outcome'], at: number): void {
  activity.outcome = outcome;
  activity.endedAt = at;
}

async function previousFailure(client: Client, failure: proto.api.failure.v1.IFailure): Promise<PreviousFailure> {
  const info = failure.applicationFailureInfo;
  const error = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure);
  const details =
    error instanceof ApplicationFailure ? (error.details?.[0] as Partial<FailureDetails> | undefined) : undefined;
  return {
    type: info?.type ?? null,
    nextRetryDelayMs: info?.nextRetryDelay ? tsToMs(info.nextRetryDelay) : null,
    httpStatus: details?.httpStatus ?? null,
    timedOut: Boolean(failure.timeoutFailureInfo),
  };
}
