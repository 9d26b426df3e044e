import type { Client } from '@temporalio/client';
import { ApplicationFailure, tsToMs } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { temporal as proto } from '@temporalio/proto';

/**
 * What a workflow's history says about its activities, as the Temporal server recorded it: when each one was
 * scheduled, when its last attempt started (the server writes one ActivityTaskStarted per activity, for the attempt
 * that ended it, carrying the attempt number and the previous attempt's failure), and how it ended. Failures are
 * decoded with the client's data converter, since ours encrypts their messages.
 */

const EventType = proto.api.enums.v1.EventType;

export interface RecordedFailure {
  type: string | null;
  message: string;
}

export interface RecordedActivity {
  activityType: string;
  scheduledAt: number;
  /** The last attempt's start; undefined while the activity has not ended. */
  startedAt?: number;
  /** The last attempt's number: 1 when it was not retried. */
  attempt?: number;
  /** The failure of the attempt before the last one, when there was one. */
  previousFailure?: RecordedFailure;
  outcome: 'open' | 'completed' | 'failed' | 'timedOut' | 'cancelled';
  endedAt?: number;
  failure?: RecordedFailure;
}

export async function recordedActivities(client: Client, workflowId: string): Promise<RecordedActivity[]> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  const byScheduledId = new Map<string, RecordedActivity>();
  const decode = async (failure: proto.api.failure.v1.IFailure | null | undefined) => {
    const error = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure);
    if (!error) return undefined;
    return { type: error instanceof ApplicationFailure ? (error.type ?? null) : null, message: error.message };
  };
  for (const event of events ?? []) {
    const at = tsToMs(event.eventTime);
    const id = String(event.eventId);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        byScheduledId.set(id, {
          activityType: event.activityTaskScheduledEventAttributes!.activityType!.name!,
          scheduledAt: at,
          outcome: 'open',
        });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const started = event.activityTaskStartedEventAttributes!;
        Object.assign(byScheduledId.get(String(started.scheduledEventId))!, {
          startedAt: at,
          attempt: started.attempt,
          previousFailure: await decode(started.lastFailure),
        });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        Object.assign(byScheduledId.get(String(event.activityTaskCompletedEventAttributes!.scheduledEventId))!, {
          outcome: 'completed',
          endedAt: at,
        });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const failed = event.activityTaskFailedEventAttributes!;
        Object.assign(byScheduledId.get(String(failed.scheduledEventId))!, {
          outcome: 'failed',
          endedAt: at,
          failure: await decode(failed.failure),
        });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        Object.assign(byScheduledId.get(String(event.activityTaskTimedOutEventAttributes!.scheduledEventId))!, {
          outcome: 'timedOut',
          endedAt: at,
        });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        Object.assign(byScheduledId.get(String(event.activityTaskCanceledEventAttributes!.scheduledEventId))!, {
          outcome: 'cancelled',
          endedAt: at,
        });
        break;
      default:
        break;
    }
  }
  return [...byScheduledId.values()];
}
