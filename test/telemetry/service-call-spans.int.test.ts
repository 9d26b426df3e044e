/**
 * Needs the local stack's PostgreSQL: a kit service on a throwaway database, called by the orchestrator's
 * ServiceClient as the instance activities call it, with a tracer provider registered in the test process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import pino from 'pino';
import { ServiceClient, type ServiceCall } from '@tenant-deletion/contract/service-client';
import { TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { startDeletableService, type RunningDeletableService } from '../../services/kit/deletable-service';
import { FaultInjector } from '../../services/kit/faults';
import { BAKERY_DEFINITION, BAKERY_SCHEMA, seedTenant } from '../kit/bakery-schema';
import { createTestDatabase, type TestDatabase } from '../kit/kit-test-db';
import { testTokens } from '../kit/test-tokens';
import { InMemoryTracing } from './in-memory-tracing';

const tracing = new InMemoryTracing();
const tokens = testTokens();
let db: TestDatabase;
let service: RunningDeletableService;
let fileRoot: string;

beforeAll(async () => {
  tracing.start();
  db = await createTestDatabase(BAKERY_SCHEMA);
  fileRoot = await mkdtemp(path.join(tmpdir(), 'traced-kit-files-'));
  service = await startDeletableService({
    definition: BAKERY_DEFINITION,
    databaseUrl: db.url,
    port: 0,
    fileRoot,
    tokens: tokens.verifier,
    logger: pino({ level: 'silent' }),
    faults: new FaultInjector(),
    isSuspended: async () => true,
    serviceInstanceId: 'bakery-1',
  });
});

afterAll(async () => {
  await service?.close();
  await db?.drop();
  if (fileRoot) await rm(fileRoot, { recursive: true, force: true });
  await tracing.stop();
});

function call(tenantId: string, baseUrl = service.baseUrl): ServiceCall {
  return {
    baseUrl,
    serviceType: 'bakery',
    tenantId,
    traceId: 'contract-trace-7',
    serviceInstanceId: 'bakery-1',
    attempt: 1,
    requestTimeoutMs: 10_000,
    signal: new AbortController().signal,
  };
}

const client = new ServiceClient(tokens.signers[TOKEN_ISSUER], 'orchestrator');

describe('a service call under tracing', () => {
  it('is a CLIENT span whose traceparent the real kit service continues', async () => {
    const tenantId = 'tenant-traced-1';
    await seedTenant(db.pool, tenantId, { customers: 1, ordersPerCustomer: 1, itemsPerOrder: 1 });
    // The activity's span, as the SDK's activity interceptor opens it.
    const activity = await trace.getTracer('test').startActiveSpan('RunActivity:deleteInstance', async (parent) => {
      await client.delete(call(tenantId), 'request-1');
      parent.end();
      return parent.spanContext();
    });
    const ownTrace = tracing.trace(activity.traceId);
    const clientSpan = ownTrace.find((span) => span.kind === SpanKind.CLIENT);
    expect(clientSpan?.parentSpanId).toBe(activity.spanId);
    expect(clientSpan!.name).toBe('DELETE {base}/tenant/{tenantId}');
    expect(clientSpan!.attributes).toEqual({
      'http.request.method': 'DELETE',
      'url.template': '{base}/tenant/{tenantId}',
      'server.address': new URL(service.baseUrl).hostname,
      'server.port': Number(new URL(service.baseUrl).port),
      'http.response.status_code': 200,
      'tdel.service_type': 'bakery',
      'tdel.service_instance_id': 'bakery-1',
      'tdel.tenant_id': tenantId,
      'tdel.trace_id': 'contract-trace-7',
    });
    // The service's own span: a child of the call, in the same trace, so the traceparent crossed the wire.
    const server = ownTrace.find((span) => span.kind === SpanKind.SERVER);
    expect(server?.parentSpanId).toBe(clientSpan!.spanContext().spanId);
    expect(server?.attributes['tdel.trace_id']).toBe('contract-trace-7');
  });

  it("marks a refused call an error by its status, not the service's words", async () => {
    tracing.exporter.reset();
    const wrongBase = `${service.baseUrl}/nowhere`;
    await expect(client.preview(call('tenant-traced-2', wrongBase))).rejects.toThrow(/404/);
    const [clientSpan] = tracing.spans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(clientSpan.name).toBe('GET {base}/tenant/{tenantId}/deletion-preview');
    expect(clientSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(clientSpan.status.message).toBeUndefined();
    expect(clientSpan.attributes['http.response.status_code']).toBe(404);
    expect(clientSpan.attributes['error.type']).toBe('404');
  });
});
