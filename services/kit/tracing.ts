import type { Span } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { identifier } from '@tenant-deletion/contract';

/**
 * OpenTelemetry for a kit service: a server span per request (the caller's `traceparent` continues its trace) and a
 * span per PostgreSQL query. Both go through the global tracer provider, which the service's process registers (see
 * the README's "Tracing a service"); without one every span is the API's no-op and costs next to nothing.
 */

/**
 * Enabled as this module loads, which is before any kit module loads pg: its require hook patches pg's Client on the
 * next `require('pg')`, and the patch is on the prototype, so every pool of the process is traced, the embedding
 * service's own too. Query text only (the statements are parameterised): the values stay out of the spans, and a
 * query outside a traced request (start-up, background sweeps) starts no trace of its own.
 */
export const pgInstrumentation = new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true });

export interface RequestTracingOptions {
  /** `tdel.service_type` on every server span. */
  serviceType: string;
  /** `tdel.service_instance_id`, when the service knows which inventory entry it is. */
  serviceInstanceId?: string;
}

/**
 * The fastify plugin that opens each request's server span. Only identifiers go on it: the route, the path without
 * its query string, the tenant id of the route and the contract's trace id (`x-trace-id`, when it obeys the
 * identifier rule); never a header's or a body's content.
 */
export function requestTracing(options: RequestTracingOptions): FastifyPluginCallback {
  const instrumentation = new FastifyOtelInstrumentation({
    // The request's span alone, the queries its children: a span per hook would bury them under the auth checks, and
    // the handler's span is named after its plugin, which for an anonymous one is the plugin's source text.
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: (route) => route.url === '/healthz',
    requestHook: (span, request) => describeRequest(span, request, options),
  });
  return instrumentation.plugin();
}

function describeRequest(span: Span, request: FastifyRequest, options: RequestTracingOptions): void {
  // HTTP's convention, `{method} {route}`; the route's pattern, so that tenants do not make span names of their own.
  const route = request.routeOptions.url;
  span.updateName(route === undefined ? request.method : `${request.method} ${route}`);
  // @fastify/otel records request.url, query string included; a query can carry anything, so only the path stays.
  span.setAttribute('url.path', request.url.split('?', 1)[0]);
  span.setAttribute('tdel.service_type', options.serviceType);
  if (options.serviceInstanceId !== undefined) span.setAttribute('tdel.service_instance_id', options.serviceInstanceId);
  const tenantId = (request.params as { tenantId?: unknown } | undefined)?.tenantId;
  if (typeof tenantId === 'string' && identifier.safeParse(tenantId).success) {
    span.setAttribute('tdel.tenant_id', tenantId);
  }
  const traceId = request.headers['x-trace-id'];
  if (typeof traceId === 'string' && identifier.safeParse(traceId).success) span.setAttribute('tdel.trace_id', traceId);
}
