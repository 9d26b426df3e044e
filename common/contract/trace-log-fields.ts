import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The log fields that tie a line to its OpenTelemetry trace; the names follow the OTel log data model. */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
}

/**
 * The trace and span ids of the active span, for pino's `mixin`. Empty when no span is active or when its context
 * is the invalid (all-zero) one the no-op tracer hands out while tracing is off, so lines carry no fake ids.
 */
export function traceLogFields(): TraceLogFields {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
