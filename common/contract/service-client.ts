import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { z } from 'zod';
import { FAILURE_TYPES, type FailureDetails, type FailureType } from './failures';
import { deletionBodySchema, previewBodySchema } from './service-http';
import { jobPollPreferHeader } from './job-poll-wait';
import { mintServiceToken, type Scope, type TokenSigner } from './service-token';

/**
 * One service instance's deletion endpoints, as the contract pins them. Every request carries a fresh
 * token for that service type and that route's scope only (a preview's token cannot delete), the trace id, the W3C
 * `traceparent` of its own CLIENT span, and (for DELETE) the request id as Idempotency-Key. The orchestrator's activities call services through it, signing
 * with the workers' key; the caller says what a failure becomes (a Temporal ApplicationFailure there, a
 * ServiceCallError by default).
 */

/** A call that did not get the contract's answer; `type` is the contract's failure type. */
export class ServiceCallError extends Error {
  constructor(
    readonly type: FailureType,
    message: string,
    readonly details: FailureDetails,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ServiceCallError';
  }
}

export type FailureFactory = (
  type: FailureType,
  message: string,
  details: FailureDetails,
  retryAfterMs?: number,
) => Error;

const serviceCallError: FailureFactory = (type, message, details, retryAfterMs) =>
  new ServiceCallError(type, message, details, retryAfterMs);

// Only the fields the orchestrator acts on are required of an answer.
const previewSchema = previewBodySchema.pick({ counts: true, total: true });
const deletionSchema = deletionBodySchema.pick({ success: true, deleted_counts: true });

export interface ServiceCall {
  baseUrl: string;
  serviceType: string;
  tenantId: string;
  traceId: string;
  /** On the call's span only: the inventory entry the call is for, when the caller knows it. */
  serviceInstanceId?: string;
  attempt: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
}

/** The routes as templates: a span names the route, never a tenant's URL (nor a job Location's query string). */
const ROUTES = {
  preview: '{base}/tenant/{tenantId}/deletion-preview',
  delete: '{base}/tenant/{tenantId}',
  job: '{location}',
} as const;
type Route = (typeof ROUTES)[keyof typeof ROUTES];

const tracer = trace.getTracer('tdel-service-client');

export interface ClientSpanRequest {
  method: string;
  /** The route's template (`/tenants/{tenantId}`): a span name that tenants do not multiply. */
  route: string;
  url: string;
  /** Identifiers only (`tdel.*`): never a token, a requester or a body. */
  attributes: Attributes;
  /** Statuses the caller takes for an answer, not a failure (a registry's 404 for an unknown tenant). */
  expected?: readonly number[];
}

/**
 * One HTTP call to a service or the registry in a CLIENT span: method, route template, host, status and the call's
 * identifiers. `send` gets the span's W3C `traceparent` to send along, so that the service's own span is its child.
 */
export function inClientSpan(
  request: ClientSpanRequest,
  send: (traceHeaders: Record<string, string>) => Promise<Response>,
): Promise<Response> {
  const { hostname, port, protocol } = new URL(request.url);
  const attributes: Attributes = {
    'http.request.method': request.method,
    'url.template': request.route,
    'server.address': hostname,
    'server.port': Number(port) || (protocol === 'https:' ? 443 : 80),
    ...request.attributes,
  };
  return tracer.startActiveSpan(
    `${request.method} ${request.route}`,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      try {
        const traceHeaders: Record<string, string> = {};
        propagation.inject(context.active(), traceHeaders);
        const response = await send(traceHeaders);
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400 && !request.expected?.includes(response.status)) {
          span.setAttribute('error.type', String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        return response;
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A job Location the service no longer knows: never created there, expired, or its data gone. */
const JOB_GONE: readonly number[] = [404, 410];

export type DeleteAnswer = { done: true; deletedCounts: Record<string, number> } | { done: false; location: string };

export class ServiceClient {
  constructor(
    private readonly signer: TokenSigner,
    private readonly subject: string,
    private readonly fail: FailureFactory = serviceCallError,
  ) {}

  async preview(call: ServiceCall): Promise<{ counts: Record<string, number>; total: number }> {
    const response = await this.request(
      call,
      'tenant-data:preview',
      'GET',
      ROUTES.preview,
      `${tenantPath(call)}/deletion-preview`,
    );
    return this.parse(call, response, previewSchema);
  }

  async delete(call: ServiceCall, idempotencyKey: string): Promise<DeleteAnswer> {
    const response = await this.request(call, 'tenant-data:delete', 'DELETE', ROUTES.delete, tenantPath(call), {
      'Idempotency-Key': idempotencyKey,
    });
    return this.deleteAnswer(call, response);
  }

  /** Follows a 202's Location: 202 while the service still deletes, 200 with the counts when done. */
  async poll(call: ServiceCall, location: string): Promise<DeleteAnswer> {
    const url = new URL(location, call.baseUrl).toString();
    const response = await this.request(call, 'tenant-data:delete', 'GET', ROUTES.job, url, jobPollPreferHeader);
    // A poll's 202 means "still running" and may not repeat the Location: keep polling the same one.
    return this.deleteAnswer(call, response, location);
  }

  /**
   * Polls a Location an earlier attempt recorded: as poll, but undefined when the service no longer knows the job
   * (404, 410), which a DELETE with the same Idempotency-Key then settles.
   */
  async resume(call: ServiceCall, location: string): Promise<DeleteAnswer | undefined> {
    const url = new URL(location, call.baseUrl).toString();
    const response = await this.request(
      call,
      'tenant-data:delete',
      'GET',
      ROUTES.job,
      url,
      jobPollPreferHeader,
      JOB_GONE,
    );
    if (JOB_GONE.includes(response.status)) {
      await response.body?.cancel();
      return undefined;
    }
    return this.deleteAnswer(call, response, location);
  }

  private async deleteAnswer(call: ServiceCall, response: Response, polled?: string): Promise<DeleteAnswer> {
    if (response.status === 202) {
      const location = response.headers.get('location') ?? polled;
      await response.body?.cancel();
      if (!location) {
        throw this.fail(FAILURE_TYPES.protocol, `${call.serviceType} answered 202 without a Location`, {
          attempt: call.attempt,
          httpStatus: 202,
        });
      }
      return { done: false, location };
    }
    const body = await this.parse(call, response, deletionSchema);
    return { done: true, deletedCounts: body.deleted_counts };
  }

  private async request(
    call: ServiceCall,
    scope: Scope,
    method: string,
    route: Route,
    url: string,
    headers: Record<string, string> = {},
    /** Error statuses handed back to the caller instead of thrown. */
    expected: readonly number[] = [],
  ): Promise<Response> {
    const identifiers = {
      'tdel.service_type': call.serviceType,
      'tdel.tenant_id': call.tenantId,
      'tdel.trace_id': call.traceId,
      ...(call.serviceInstanceId !== undefined && { 'tdel.service_instance_id': call.serviceInstanceId }),
    };
    const response = await inClientSpan({ method, route, url, attributes: identifiers, expected }, (traced) =>
      this.send(call, scope, method, url, { ...headers, ...traced }),
    );
    if (response.ok || expected.includes(response.status)) return response;
    throw await this.failureFor(call, method, response);
  }

  private async send(
    call: ServiceCall,
    /** A deletion job's poll is part of the deletion: it needs the delete scope, as the DELETE did. */
    scope: Scope,
    method: string,
    url: string,
    headers: Record<string, string>,
  ): Promise<Response> {
    const token = await mintServiceToken(this.signer, {
      audience: call.serviceType,
      subject: this.subject,
      scopes: [scope],
    });
    const details = { attempt: call.attempt };
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-trace-id': call.traceId,
          accept: 'application/json',
          ...headers,
        },
        signal: AbortSignal.any([call.signal, AbortSignal.timeout(call.requestTimeoutMs)]),
        redirect: 'error',
      });
    } catch (error) {
      if (call.signal.aborted) throw error;
      if ((error as Error).name === 'TimeoutError') {
        throw this.fail(
          FAILURE_TYPES.timeout,
          `${call.serviceType} did not answer ${method} within ${call.requestTimeoutMs} ms`,
          details,
        );
      }
      const cause = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message;
      throw this.fail(
        FAILURE_TYPES.unreachable,
        `${call.serviceType} unreachable at ${call.baseUrl}: ${cause}`,
        details,
      );
    }
    return response;
  }

  private async failureFor(call: ServiceCall, method: string, response: Response) {
    const status = response.status;
    const reason = await serviceReason(response);
    const details = { attempt: call.attempt, httpStatus: status };
    const what = `${call.serviceType} answered ${method} with ${status}`;
    if (status === 409) return this.fail(FAILURE_TYPES.legalHold, `${what}: legal hold (${reason})`, details);
    if ([429, 502, 503, 504].includes(status)) {
      return this.fail(FAILURE_TYPES.unavailable, `${what}: ${reason}`, details, retryAfterMs(response));
    }
    if (status === 404) {
      return this.fail(
        FAILURE_TYPES.rejected,
        `${what}: the base URL ${call.baseUrl} is wrong (fix it in the inventory, then retry)`,
        details,
      );
    }
    if (status >= 400 && status < 500) return this.fail(FAILURE_TYPES.rejected, `${what}: ${reason}`, details);
    return this.fail(FAILURE_TYPES.unavailable, `${what}: ${reason}`, details);
  }

  private async parse<T>(call: ServiceCall, response: Response, schema: z.ZodType<T>): Promise<T> {
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw this.fail(
        FAILURE_TYPES.protocol,
        `${call.serviceType} answered ${response.status} with a body that breaks the contract: ${parsed.error.issues[0]?.message}`,
        { attempt: call.attempt, httpStatus: response.status },
      );
    }
    return parsed.data;
  }
}

/** The failure's type (the contract's, or the error's name), never its message: a service's reason can quote anything. */
function failed(span: Span, error: unknown): void {
  const type = (error as { type?: unknown } | undefined)?.type;
  span.setAttribute('error.type', typeof type === 'string' ? type : ((error as Error | undefined)?.name ?? 'Error'));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function tenantPath(call: ServiceCall): string {
  return `${call.baseUrl}/tenant/${encodeURIComponent(call.tenantId)}`;
}

/** The service's own words, shortened: error bodies are `{ error: { message } }` or `{ errors: [...] }`. */
async function serviceReason(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.errors?.[0] ?? body?.message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300) || response.statusText || 'no reason given';
}

/** Retry-After in seconds or as an HTTP date; undefined lets the retry policy's backoff decide. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 3_600_000) : undefined;
}
