import { TOPICS, type LifecycleEvent, type ServiceDeletionResult } from '@tenant-deletion/contract';
import type { OutgoingMessage } from '../common/kafka-client';
import { traceHeaders } from '../common/telemetry/kafka-trace-headers';

/**
 * The contract's result and lifecycle messages (typed by their contract schemas, from which the published JSON Schemas
 * are generated), with event ids that stay the same when an activity is retried, and the W3C trace context of the
 * activity that publishes them, so that a consumer's spans join the deletion's trace.
 */

export function resultMessage(event: ServiceDeletionResult, run: number): OutgoingMessage {
  return {
    topic: TOPICS.serviceDeletionResult,
    key: event.tenantId,
    eventId: `result:${event.requestId}:${event.serviceInstanceId}:${run}:${event.status}`,
    value: event,
    headers: traceHeaders(),
  };
}

export function lifecycleMessage(event: LifecycleEvent, workflowRunKey: string): OutgoingMessage {
  return {
    topic: TOPICS.lifecycleEvents,
    key: event.tenantId,
    eventId: `lifecycle:${event.type}:${event.tenantId}:${workflowRunKey}`,
    value: event,
    headers: traceHeaders(),
  };
}
