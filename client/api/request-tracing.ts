import type { Span } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { identifier } from '@tenant-deletion/contract';
import { TDEL_ATTRIBUTES } from '../../common/telemetry/span-attributes';

/**
 * A server span per API request, continuing the caller's W3C `traceparent`; the deletion the request starts is its
 * child (the Temporal client's interceptor). Through the global tracer provider: without tracing, a no-op.
 */
export function apiRequestTracing(): FastifyPluginCallback {
  return new FastifyOtelInstrumentation({
    // One span per request: the hooks' and handlers' own spans add nothing the request's does not say.
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: (route) => route.url === '/healthz',
    requestHook: nameAndIdentify,
  }).plugin();
}

/**
 * The route's pattern names the span; the path replaces the URL @fastify/otel records, whose query string could
 * carry anything. The tenant id is the only request value kept: never the caller (the token's subject) or a reason.
 */
function nameAndIdentify(span: Span, request: FastifyRequest): void {
  const route = request.routeOptions.url;
  if (route !== undefined) span.updateName(`${request.method} ${route}`);
  span.setAttribute('url.path', request.url.split('?', 1)[0]);
  const tenantId = (request.params as { tenantId?: unknown } | undefined)?.tenantId;
  if (typeof tenantId === 'string' && identifier.safeParse(tenantId).success) {
    span.setAttribute(TDEL_ATTRIBUTES.tenantId, tenantId);
  }
}
