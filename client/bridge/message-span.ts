import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { contextFromHeaders } from '../../common/telemetry/kafka-trace-headers';
import { TDEL_ATTRIBUTES } from '../../common/telemetry/span-attributes';
import type { Authorized } from './request-authorization';

const tracer = trace.getTracer('tdel-bridge');

export interface MessageSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * What a request message's span may say: where it was read and the request's identifiers, never its requester,
 * reason or token.
 */
function messageAttributes({ topic, partition, message }: MessageSource, parsed: Authorized): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': String(partition),
    'messaging.kafka.offset': Number(message.offset),
    ...(parsed.ok
      ? {
          [TDEL_ATTRIBUTES.traceId]: parsed.request.traceId,
          [TDEL_ATTRIBUTES.requestId]: parsed.request.requestId,
          [TDEL_ATTRIBUTES.tenantId]: parsed.request.tenantId,
        }
      : { 'tdel.dlq_code': parsed.code }),
  };
}

/**
 * One CONSUMER span per request message, continuing the producer's trace when its headers carry a W3C
 * `traceparent` (else a new root): the hand-over (the workflow's start) or the DLQ write happens inside it, so the
 * deletion's whole trace hangs from the message. A refused message's span says why, by its DLQ code.
 */
export function inMessageSpan<T>(source: MessageSource, parsed: Authorized, handle: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    `process ${source.topic}`,
    { kind: SpanKind.CONSUMER, attributes: messageAttributes(source, parsed) },
    contextFromHeaders(source.message.headers),
    async (span) => {
      if (!parsed.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: parsed.code });
      try {
        return await handle();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
