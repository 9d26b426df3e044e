import { context, trace } from '@opentelemetry/api';
import { traceLogFields } from '@tenant-deletion/contract/trace-log-fields';
import { registerActiveSpanTracer } from '../active-span-tracer';

const provider = registerActiveSpanTracer();

test('no fields outside a span', () => {
  expect(traceLogFields()).toEqual({});
});

test('the fields are the ids of the active span, also after an await inside it', async () => {
  const tracer = provider.getTracer('trace-log-fields-test');
  await tracer.startActiveSpan('outer', async (outer) => {
    expect(traceLogFields()).toEqual({ trace_id: outer.spanContext().traceId, span_id: outer.spanContext().spanId });
    await tracer.startActiveSpan('inner', async (inner) => {
      await new Promise((resolve) => setImmediate(resolve));
      expect(traceLogFields()).toEqual({ trace_id: outer.spanContext().traceId, span_id: inner.spanContext().spanId });
      inner.end();
    });
    expect(traceLogFields().span_id).toBe(outer.spanContext().spanId);
    outer.end();
  });
  expect(traceLogFields()).toEqual({});
});

test('no fields for a span whose context is invalid (what the no-op tracer hands out)', () => {
  const invalid = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
  context.with(trace.setSpan(context.active(), invalid), () => expect(traceLogFields()).toEqual({}));
});
