import { randomUUID } from 'node:crypto';
import { CliError, EXIT, notFoundError, unreachableError, usageError } from './exit-codes';

/**
 * `tdel`'s door to the deletion API (client/api, `npm run api`): the commands that change a deletion (delete,
 * cancel, retry, approve) go through it, so that the API verifies who asks and whether they may, as it does for
 * everyone else. The API's answers become exit codes here: 401/403 → 1 with the API's reason, 404 → 3, 400 → 2,
 * 409 (the workflow refused) → 1, unreachable or 502/503/504 → 3. The token is sent, never printed or logged.
 */

/** The API's answers wait for Temporal (signal-with-start, an update run by a worker): give them that long. */
const API_TIMEOUT_MS = 30_000;

/** What the API answered with a status other than 2xx: its `{ error: { code, message } }`. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRefusal';
  }
}

export interface ApiCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Sent as Idempotency-Key: a retried call is then the same request. */
  idempotencyKey?: string;
  traceId?: string;
}

export class DeletionApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The answer's JSON; an ApiRefusal for a non-2xx answer; an unreachable CliError when nothing answers. */
  async call<T>(call: ApiCall): Promise<T> {
    const url = new URL(call.path, this.baseUrl).toString();
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: call.method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
          ...(call.traceId ? { 'x-trace-id': call.traceId } : {}),
        },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    const text = await response.text();
    const document = parseJson(text);
    if (response.ok) return document as T;
    const error = (document as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new ApiRefusal(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : `${response.status} ${response.statusText}`.trim(),
    );
  }

  private unreachable(error: unknown): CliError {
    const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
    const why =
      (error as Error | null)?.name === 'TimeoutError'
        ? `no answer within ${API_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error | null)?.message ?? String(error));
    return unreachableError(
      `the deletion API at ${this.baseUrl} is unreachable (${why})`,
      'start it with `npm run api`, or point --api-url / TDEL_API_URL at it',
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A fresh Idempotency-Key per command run: the API derives the request id from it. */
export function newIdempotencyKey(): string {
  return `tdel-${randomUUID()}`;
}

/**
 * An API refusal as `tdel` reports it. `verb` names the command ("delete", "approve"…) in the message; the API's
 * reason is kept word for word, since it says what the caller lacks.
 */
export function refusalError(refusal: ApiRefusal, verb: string, tenantId: string): CliError {
  const { status, code } = refusal;
  // The API may say "approve refused: …" itself; it is said once.
  const message = refusal.message.startsWith(`${verb} refused: `)
    ? refusal.message.slice(`${verb} refused: `.length)
    : refusal.message;
  if (status === 401) {
    return new CliError(
      `the deletion API did not accept the token: ${message}`,
      EXIT.failed,
      'pass a valid token with --token or TDEL_TOKEN (on the local stack, leave both unset to sign one for --as)',
      code,
    );
  }
  if (status === 403) {
    return new CliError(`${verb} refused: ${message}`, EXIT.failed, `see \`tdel status ${tenantId}\``, code);
  }
  if (status === 404) return notFoundError(message, 'check the tenant id (`tdel list` lists deletions)');
  if (status === 400)
    return usageError(`the deletion API refused the request: ${message}`, `see \`tdel ${verb} --help\``);
  if (status === 409)
    return new CliError(`${verb} refused: ${message}`, EXIT.failed, `see \`tdel status ${tenantId}\``, 'REFUSED');
  if (status === 502 || status === 503 || status === 504) {
    return unreachableError(`the deletion API could not ${verb} now: ${message}`, 'retry in a moment');
  }
  return new CliError(`the deletion API failed: ${status} ${message}`, EXIT.failed, undefined, code);
}
