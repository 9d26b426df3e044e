/**
 * Needs the local stack (Kafka, Temporal, PostgreSQL, the identity issuer): a bridge in process on a group of its
 * own, under a tracer provider registered in the test process, handing signed requests over to the real Temporal.
 */
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TOPICS } from '@tenant-deletion/contract';
import type { RunningBridge } from '../../client/bridge/bridge';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { BRIDGE_WAIT_MS, bridgeFor, config, KafkaSide, RequestMessages } from '../bridge/bridge-harness';
import { until } from '../until';
import { callerTraceparent, InMemoryTracing } from './in-memory-tracing';

const tracing = new InMemoryTracing();
const kafka = new KafkaSide();
const run = randomUUID().slice(0, 8);
let bridge: RunningBridge;
const started: string[] = [];

beforeAll(async () => {
  tracing.start();
  await kafka.start(run);
  bridge = await bridgeFor(`bridge-trace-test-${run}`, config.TEMPORAL_ADDRESS);
}, 120_000);

afterAll(async () => {
  await bridge?.close();
  await kafka.stop();
  const client = await connectTemporalClient(temporalAccess(config));
  await Promise.allSettled(started.map((id) => client.workflow.getHandle(id).terminate('bridge tracing test cleanup')));
  await client.connection.close();
  await tracing.stop();
});

function consumerSpanOf(tenantId: string): ReadableSpan | undefined {
  return tracing
    .spans()
    .find((span) => span.kind === SpanKind.CONSUMER && span.attributes['tdel.tenant_id'] === tenantId);
}

describe('the bridge under tracing', () => {
  it("continues a message's traceparent: a CONSUMER span under the producer's, the workflow's start under it", async () => {
    const tenantId = `trace-br-${run}`;
    const producer = callerTraceparent();
    const message = (await RequestMessages.signedAs()).wholeTenant(tenantId, `tr-${run}`);
    started.push(`tenant-deletion:${tenantId}`);
    await kafka.producer.send({
      topic: TOPICS.tenantDeletionRequest,
      messages: [{ ...message, headers: { traceparent: producer.traceparent } }],
    });
    await until(() => consumerSpanOf(tenantId) !== undefined, 'the message span', BRIDGE_WAIT_MS);

    const consumer = consumerSpanOf(tenantId)!;
    expect(consumer.spanContext().traceId).toBe(producer.traceId);
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.name).toBe(`process ${TOPICS.tenantDeletionRequest}`);
    expect(consumer.status.code).toBe(SpanStatusCode.UNSET);
    expect(consumer.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': TOPICS.tenantDeletionRequest,
      'messaging.destination.partition.id': expect.any(String),
      'messaging.kafka.offset': expect.any(Number),
      'tdel.trace_id': `tr-${run}`,
      'tdel.request_id': expect.any(String),
      'tdel.tenant_id': tenantId,
    });
    // The hand-over: the Temporal client's span, a child of the message's, carries the trace into the workflow.
    const handOver = tracing
      .trace(producer.traceId)
      .find((span) => span.parentSpanId === consumer.spanContext().spanId);
    expect(handOver?.name).toBe('SignalWithStartWorkflow:TenantDeletionWorkflow');
    // Neither the requester nor the token is on any span of the trace.
    const attributes = JSON.stringify(tracing.trace(producer.traceId).map((span) => span.attributes));
    expect(attributes).not.toContain('bridge-test');
    expect(attributes).not.toContain('admin-1');
    expect(attributes).not.toContain(message.value.match(/"authorization":"([^"]+)"/)![1]);
  });

  it('starts a new trace for a message without a traceparent', async () => {
    const tenantId = `trace-br-root-${run}`;
    started.push(`tenant-deletion:${tenantId}`);
    await kafka.producer.send({
      topic: TOPICS.tenantDeletionRequest,
      messages: [(await RequestMessages.signedAs()).wholeTenant(tenantId, `tr-root-${run}`)],
    });
    await until(() => consumerSpanOf(tenantId) !== undefined, 'the message span', BRIDGE_WAIT_MS);
    expect(consumerSpanOf(tenantId)!.parentSpanId).toBeUndefined();
  });

  it('gives a dead-lettered message a span that names its code and no request', async () => {
    const producer = callerTraceparent();
    await kafka.producer.send({
      topic: TOPICS.tenantDeletionRequest,
      messages: [{ key: `trace-br-bad-${run}`, value: '{not json', headers: { traceparent: producer.traceparent } }],
    });
    await until(() => tracing.trace(producer.traceId).length > 0, 'the message span', BRIDGE_WAIT_MS);
    const [span] = tracing.trace(producer.traceId).filter((s) => s.kind === SpanKind.CONSUMER);
    expect(span.attributes['tdel.dlq_code']).toBe('INVALID_JSON');
    expect(span.attributes['tdel.tenant_id']).toBeUndefined();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INVALID_JSON' });
  });
});
