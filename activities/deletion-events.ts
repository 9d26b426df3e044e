import { TOPICS } from '../common/contract';
import type { DeletedCounts } from '../common/deletion-outcome';
import type { OutgoingMessage } from '../common/kafka-client';

/** The contract's result and lifecycle messages, with event ids that stay the same when an activity is retried. */

export interface ResultEvent {
  traceId: string;
  requestId: string;
  tenantId: string;
  serviceType: string;
  serviceInstanceId: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'REJECTED';
  dryRun: boolean;
  deletedCounts: DeletedCounts;
  attempts: number;
  failureReason: string | null;
  durationMs: number;
  finishedAt: string;
}

export function resultMessage(event: ResultEvent, run: number): OutgoingMessage {
  return {
    topic: TOPICS.serviceDeletionResult,
    key: event.tenantId,
    eventId: `result:${event.requestId}:${event.serviceInstanceId}:${run}:${event.status}`,
    value: event,
  };
}

export interface LifecycleEvent {
  type: 'TENANT_EMPTY' | 'TENANT_DELETED';
  tenantId: string;
  traceId: string;
  gdprMode: boolean;
  certificateId: string | null;
  at: string;
}

export function lifecycleMessage(event: LifecycleEvent, workflowRunKey: string): OutgoingMessage {
  return {
    topic: TOPICS.lifecycleEvents,
    key: event.tenantId,
    eventId: `lifecycle:${event.type}:${event.tenantId}:${workflowRunKey}`,
    value: event,
  };
}
