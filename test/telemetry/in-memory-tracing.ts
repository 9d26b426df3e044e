import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * The test process's own tracer provider, as startTracing registers one, but keeping its finished spans in memory:
 * the spans of in-process programs (bridge, service client, a kit service) are read back without an OTLP hop.
 */
export class InMemoryTracing {
  readonly exporter = new InMemorySpanExporter();
  private readonly provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });

  start(): void {
    this.provider.register({
      propagator: new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    });
  }

  async stop(): Promise<void> {
    await this.provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  }

  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** Every finished span of one trace. */
  trace(traceId: string): ReadableSpan[] {
    return this.spans().filter((span) => span.spanContext().traceId === traceId);
  }
}

/** A W3C traceparent of a made-up caller: 32 and 16 hex digits, sampled. */
export function callerTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const hex = (bytes: number) =>
    [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
