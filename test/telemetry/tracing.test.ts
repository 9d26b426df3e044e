import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { startTracing, tracesEndpoint } from '../../common/telemetry/tracing';

/** A stand-in OTLP/HTTP receiver: it keeps each JSON body posted to /v1/traces. */
async function receiver(): Promise<{ base: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface ExportedAttribute {
  key: string;
  value: { stringValue?: string };
}
interface ExportedBody {
  resourceSpans: { resource: { attributes: ExportedAttribute[] }; scopeSpans: { spans: { name: string }[] }[] }[];
}

function exported(bodies: unknown[]): { resource: Record<string, string | undefined>; spans: string[] }[] {
  return (bodies as ExportedBody[]).flatMap((body) =>
    body.resourceSpans.map((resourceSpans) => ({
      resource: Object.fromEntries(resourceSpans.resource.attributes.map((a) => [a.key, a.value.stringValue])),
      spans: resourceSpans.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name)),
    })),
  );
}

/** Whether the span was recorded: a no-op tracer's spans are not. */
function oneSpan(name: string): boolean {
  return trace.getTracer('test').startActiveSpan(name, (span) => {
    span.end();
    return span.isRecording() || span.spanContext().traceFlags === 1;
  });
}

describe('startTracing', () => {
  let otlp: Awaited<ReturnType<typeof receiver>>;
  beforeEach(async () => {
    otlp = await receiver();
  });
  afterEach(() => otlp.close());

  it('registers nothing and exports nothing when no OTLP endpoint is set', async () => {
    const tracing = startTracing('tdel-test', {});
    expect(tracing.enabled).toBe(false);
    expect(oneSpan('unexported')).toBe(false);
    await tracing.shutdown();
    expect(otlp.bodies).toEqual([]);
  });

  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT under the program name, flushing on shutdown', async () => {
    const tracing = startTracing('tdel-test', {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.base,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
    });
    expect(tracing.enabled).toBe(true);
    expect(oneSpan('exported')).toBe(true);
    await tracing.shutdown();
    expect(exported(otlp.bodies)).toEqual([
      {
        resource: expect.objectContaining({ 'service.name': 'tdel-test', 'deployment.environment': 'test' }),
        spans: ['exported'],
      },
    ]);
  });

  it('lets OTEL_SERVICE_NAME override the name and uses the traces endpoint verbatim', async () => {
    const tracing = startTracing('tdel-test', {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.base}/v1/traces`,
      OTEL_SERVICE_NAME: 'renamed',
    });
    oneSpan('renamed-span');
    await tracing.shutdown();
    expect(exported(otlp.bodies)).toEqual([
      { resource: expect.objectContaining({ 'service.name': 'renamed' }), spans: ['renamed-span'] },
    ]);
  });

  it('stays off under OTEL_SDK_DISABLED=true even with an endpoint', async () => {
    const tracing = startTracing('tdel-test', { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.base, OTEL_SDK_DISABLED: 'true' });
    expect(tracing.enabled).toBe(false);
    expect(oneSpan('disabled')).toBe(false);
    await tracing.shutdown();
    expect(otlp.bodies).toEqual([]);
  });
});

describe('tracesEndpoint', () => {
  it('appends /v1/traces to the base endpoint, once', () => {
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
  });
});
