import { z } from 'zod';
import { FAILURE_TYPES, type FailureDetails, type FailureType } from './failures';
import { deletionBodySchema, previewBodySchema } from './service-http';
import { mintServiceToken, type Scope, type TokenSigner } from './service-token';

/**
 * One service instance's deletion endpoints, as the contract pins them. Every request carries a fresh
 * token for that service type and that route's scope only (a preview's token cannot delete), the trace id, and
 * (for DELETE) the request id as Idempotency-Key. The orchestrator's activities call services through it, signing
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
  attempt: number;
  requestTimeoutMs: number;
  signal: AbortSignal;
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
    const response = await this.request(call, 'tenant-data:preview', 'GET', `${tenantPath(call)}/deletion-preview`);
    return this.parse(call, response, previewSchema);
  }

  async delete(call: ServiceCall, idempotencyKey: string): Promise<DeleteAnswer> {
    const response = await this.request(call, 'tenant-data:delete', 'DELETE', tenantPath(call), {
      'Idempotency-Key': idempotencyKey,
    });
    return this.deleteAnswer(call, response);
  }

  /** Follows a 202's Location: 202 while the service still deletes, 200 with the counts when done. */
  async poll(call: ServiceCall, location: string): Promise<DeleteAnswer> {
    const response = await this.request(call, 'tenant-data:delete', 'GET', new URL(location, call.baseUrl).toString());
    // A poll's 202 means "still running" and may not repeat the Location: keep polling the same one.
    return this.deleteAnswer(call, response, location);
  }

  /**
   * Polls a Location an earlier attempt recorded: as poll, but undefined when the service no longer knows the job
   * (404, 410), which a DELETE with the same Idempotency-Key then settles.
   */
  async resume(call: ServiceCall, location: string): Promise<DeleteAnswer | undefined> {
    const url = new URL(location, call.baseUrl).toString();
    const response = await this.request(call, 'tenant-data:delete', 'GET', url, {}, JOB_GONE);
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
    /** A deletion job's poll is part of the deletion: it needs the delete scope, as the DELETE did. */
    scope: Scope,
    method: string,
    url: string,
    headers: Record<string, string> = {},
    /** Error statuses handed back to the caller instead of thrown. */
    expected: readonly number[] = [],
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
    if (response.ok || expected.includes(response.status)) return response;
    throw await this.failureFor(call, method, response);
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
