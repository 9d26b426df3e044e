import { trace } from '@opentelemetry/api';
import { lifecycleMessage, resultMessage } from '../../activities/deletion-events';
import { contextFromHeaders } from '../../common/telemetry/kafka-trace-headers';
import { InMemoryTracing } from './in-memory-tracing';

const result = {
  traceId: 't-1',
  requestId: 'r-1',
  tenantId: 'tenant-1',
  serviceType: 'orders',
  serviceInstanceId: 'orders-1',
  status: 'COMPLETED',
  dryRun: false,
  deletedCounts: { orders: 1 },
  attempts: 1,
  failureReason: null,
  durationMs: 5,
  finishedAt: '2026-02-11T12:00:03Z',
} as const;

describe('the result and lifecycle events under tracing', () => {
  const tracing = new InMemoryTracing();
  beforeAll(() => tracing.start());
  afterAll(() => tracing.stop());

  it("carry the publishing span's traceparent, which a consumer continues", () => {
    trace.getTracer('test').startActiveSpan('RunActivity:reportOutcomes', (span) => {
      const messages = [
        resultMessage(result, 1),
        lifecycleMessage(
          {
            type: 'TENANT_EMPTY',
            tenantId: 'tenant-1',
            traceId: 't-1',
            gdprMode: false,
            certificateId: 'c-1',
            at: '2026-02-11T12:00:03Z',
          },
          'run-1',
        ),
      ];
      for (const message of messages) {
        expect(message.headers?.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
        const continued = trace.getSpanContext(contextFromHeaders(message.headers));
        expect(continued?.traceId).toBe(span.spanContext().traceId);
      }
      span.end();
    });
  });

  it('carry no trace header outside a span', () => {
    expect(resultMessage(result, 1).headers).toEqual({});
  });
});
