/**
 * Needs the local stack (Temporal, PostgreSQL, the identity issuer): the deletion API in process, as `npm run api`
 * wires it, under a tracer provider registered in the test process. The registry is a stand-in that knows every
 * tenant, with no members: an operator's right does not depend on them.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { loadDevIdentityIssuer, mintIdentityToken } from '../../client/authorization/dev-identity-issuer';
import { loadConfig } from '../../common/config';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { startTestApi, type TestApi } from '../api/api-harness';
import { callerTraceparent, InMemoryTracing } from './in-memory-tracing';

const config = loadConfig();
const tracing = new InMemoryTracing();
let api: TestApi;
const registry = http.createServer((request, response) => {
  const tenantId = decodeURIComponent(request.url!.split('/')[2]);
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ tenant_id: tenantId, status: 'ACTIVE', members: [] }));
});
const started: string[] = [];

beforeAll(async () => {
  tracing.start();
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  api = await startTestApi({ registryUrl: `http://127.0.0.1:${(registry.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await api?.close();
  registry.close();
  const client = await connectTemporalClient(temporalAccess(config));
  await Promise.allSettled(started.map((id) => client.workflow.getHandle(id).terminate('API tracing test cleanup')));
  await client.connection.close();
  await tracing.stop();
});

describe('the deletion API under tracing', () => {
  it("continues the caller's traceparent in a server span that starts the deletion beneath it", async () => {
    const tenantId = `trace-api-${randomUUID().slice(0, 8)}`;
    started.push(`tenant-deletion:${tenantId}`);
    const caller = callerTraceparent();
    const token = await mintIdentityToken(await loadDevIdentityIssuer(), { subject: 'op-traced', roles: ['operator'] });
    const response = await fetch(`${api.url}/api/v1/tenants/${tenantId}?note=secret`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, traceparent: caller.traceparent },
    });
    expect(response.status).toBe(202);

    const spans = tracing.trace(caller.traceId);
    const server = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(server?.parentSpanId).toBe(caller.spanId);
    expect(server?.name).toBe('DELETE /api/v1/tenants/:tenantId');
    expect(server?.attributes).toMatchObject({
      'url.path': `/api/v1/tenants/${tenantId}`,
      'tdel.tenant_id': tenantId,
      'http.response.status_code': 202,
    });
    const start = spans.find((span) => span.parentSpanId === server?.spanContext().spanId);
    expect(start?.name).toMatch(/^(SignalWithStart|Start)Workflow:TenantDeletionWorkflow$/);
    const attributes = JSON.stringify(spans.map((span) => span.attributes));
    expect(attributes).not.toContain('op-traced');
    expect(attributes).not.toContain('secret');
    expect(attributes).not.toContain(token);
  });
});
