import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import Fastify, { type FastifyInstance } from 'fastify';
import { requestTracing } from '../../services/kit/tracing';

/** The kit's server spans (services/kit/tracing.ts) on a bare fastify: what they hold, and what they must not. */

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZG1pbi0xIn0.c2lnbmF0dXJl';

async function app(): Promise<FastifyInstance> {
  const server = Fastify();
  await server.register(requestTracing({ serviceType: 'orders', serviceInstanceId: 'orders-1' }));
  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/api/v1/orders/tenant/:tenantId/deletion-preview', async () => ({ total: 0 }));
  return server;
}

function previewRequest(headers: Record<string, string> = {}) {
  return {
    method: 'GET' as const,
    url: '/api/v1/orders/tenant/tenant-42/deletion-preview?email=jane%40bakery.example',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      'x-trace-id': 'trace-abc',
      ...headers,
    },
  };
}

describe('the kit request spans with a tracer provider registered', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let server: FastifyInstance;

  beforeAll(async () => {
    provider.register();
    server = await app();
  });
  afterAll(async () => {
    await server.close();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it("opens a server span per request that continues the caller's traceparent, named by its route", async () => {
    expect((await server.inject(previewRequest())).statusCode).toBe(200);

    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span.name).toBe('GET /api/v1/orders/tenant/:tenantId/deletion-preview');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span.parentSpanId).toBe(CALLER_SPAN);
    expect(span.attributes).toMatchObject({
      'url.path': '/api/v1/orders/tenant/tenant-42/deletion-preview',
      'tdel.service_type': 'orders',
      'tdel.service_instance_id': 'orders-1',
      'tdel.tenant_id': 'tenant-42',
      'tdel.trace_id': 'trace-abc',
      'http.response.status_code': 200,
    });
  });

  it('records neither the query string nor a header: no token, no e-mail, no authorization attribute', async () => {
    await server.inject(previewRequest());

    const attributes = exporter.getFinishedSpans().flatMap((span) => Object.entries(span.attributes));
    expect(attributes.length).toBeGreaterThan(0);
    expect(attributes.filter(([key]) => /authorization|header/i.test(key))).toEqual([]);
    expect(attributes.filter(([, value]) => /eyJ|bakery\.example|jane|email/.test(String(value)))).toEqual([]);
  });

  it('leaves out an x-trace-id that breaks the identifier rule, and opens no span for /healthz', async () => {
    await server.inject(previewRequest({ 'x-trace-id': 'forged\nline' }));
    await server.inject({ method: 'GET', url: '/healthz' });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['GET /api/v1/orders/tenant/:tenantId/deletion-preview']);
    expect(spans[0].attributes['tdel.trace_id']).toBeUndefined();
  });
});

describe('the kit request spans without a tracer provider', () => {
  it('answers as before: the spans are the API no-op', async () => {
    const server = await app();
    try {
      const response = await server.inject(previewRequest());
      expect([response.statusCode, response.json()]).toEqual([200, { total: 0 }]);
    } finally {
      await server.close();
    }
  });
});
