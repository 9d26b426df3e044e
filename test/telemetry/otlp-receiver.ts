import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/**
 * A small OTLP/HTTP trace receiver for tests: POST /v1/traces with the JSON encoding (what the 0.57 OTLP/HTTP exporter
 * sends by default), answered 200 `{}`. It keeps every span with its resource's service.name, so a test can point
 * real programs at it with OTEL_EXPORTER_OTLP_ENDPOINT and read back the trace they made.
 */

/** An attribute value as OTLP's JSON encoding writes it: exactly one of these is set. */
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: { key: string; value: AnyValue }[] };
}

const anyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.number(), z.string()]).optional(),
    doubleValue: z.number().optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(anyValueSchema).optional() }).optional(),
    kvlistValue: z
      .object({ values: z.array(z.object({ key: z.string(), value: anyValueSchema })).optional() })
      .optional(),
  }),
);
const keyValuesSchema = z.array(z.object({ key: z.string(), value: anyValueSchema })).default([]);

const exportRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValuesSchema }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().default('') }).optional(),
              spans: z
                .array(
                  z.object({
                    traceId: z.string(),
                    spanId: z.string(),
                    parentSpanId: z.string().optional(),
                    name: z.string(),
                    kind: z.number().int().default(0),
                    attributes: keyValuesSchema,
                    links: z.array(z.object({ traceId: z.string(), spanId: z.string() })).default([]),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span (the exporter sends no or an empty parentSpanId). */
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The instrumentation scope that made it (`@fastify/otel`, `@opentelemetry/instrumentation-pg`, ...). */
  scope: string;
  serviceName: string;
  /** Every attribute, its value as the plain value (arrays and lists as JSON text). */
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to (the exporters append /v1/traces). */
  endpoint: string;
  spans(): ReceivedSpan[];
  /** Export requests it could not read, for a test to fail on rather than miss spans silently. */
  rejected(): string[];
  close(): Promise<void>;
}

function plain(value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  return JSON.stringify(value.arrayValue ?? value.kvlistValue ?? null);
}

function attributesOf(keyValues: { key: string; value: AnyValue }[]): Record<string, string | number | boolean> {
  return Object.fromEntries(keyValues.map(({ key, value }) => [key, plain(value)]));
}

function spansOf(body: unknown): ReceivedSpan[] {
  const request = exportRequestSchema.parse(body);
  return request.resourceSpans.flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes ?? []);
    const serviceName = String(resource['service.name'] ?? 'unknown_service');
    return resourceSpans.scopeSpans.flatMap((scopeSpans) =>
      scopeSpans.spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        scope: scopeSpans.scope?.name ?? '',
        serviceName,
        attributes: attributesOf(span.attributes),
        links: span.links,
      })),
    );
  });
}

async function bodyOf(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  return JSON.parse(text);
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server = http.createServer((request, response) => {
    const answer = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/v1/traces') return answer(404, { message: 'POST /v1/traces' });
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      rejected.push(`content-type ${request.headers['content-type']}`);
      return answer(415, { message: 'this receiver reads the JSON encoding only' });
    }
    bodyOf(request)
      .then(spansOf)
      .then(
        (spans) => {
          received.push(...spans);
          answer(200, {});
        },
        (error: Error) => {
          rejected.push(error.message);
          answer(400, { message: error.message });
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    rejected: () => [...rejected],
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
