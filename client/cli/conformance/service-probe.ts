import { randomUUID } from 'node:crypto';
import { mintServiceToken } from '@tenant-deletion/contract/service-token';
import { CheckFailed } from './check-result';

/**
 * The checker's only way to the service: HTTP requests under its base URL, each with a fresh token for its service
 * type (as the workers send them) unless a check sends another credential on purpose.
 */

export interface ProbeTarget {
  baseUrl: string;
  serviceType: string;
}

/** The token a request carries: a valid one, none at all, or one a check minted to be refused. */
export type Credential = { kind: 'valid' } | { kind: 'none' } | { kind: 'token'; token: string };

export interface ProbeAnswer {
  status: number;
  headers: Headers;
  /** The body as JSON, or its text when it is not JSON. */
  body: unknown;
}

export interface ProbeRequest {
  credential?: Credential;
  idempotencyKey?: string;
  body?: unknown;
}

/** The service could not be reached (refused, timed out): a failed check, or exit 3 when it is the first request. */
export class ServiceUnreachable extends CheckFailed {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnreachable';
  }
}

/** A fresh id no service has seen, for a tenant or an Idempotency-Key: conformance-<uuid>. */
export function freshId(): string {
  return `conformance-${randomUUID()}`;
}

/** The token subject: who asks, in the service's logs. */
const SUBJECT = 'tdel-conformance';

export class ServiceProbe {
  constructor(
    readonly target: ProbeTarget,
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  tenantUrl(tenantId: string): string {
    return `${this.target.baseUrl}/tenant/${encodeURIComponent(tenantId)}`;
  }

  previewUrl(tenantId: string): string {
    return `${this.tenantUrl(tenantId)}/deletion-preview`;
  }

  holdUrl(tenantId: string): string {
    return `${this.target.baseUrl}/admin/legal-holds/${encodeURIComponent(tenantId)}`;
  }

  get faultsUrl(): string {
    return `${this.target.baseUrl}/admin/faults`;
  }

  /** A Location as the service gave it, relative or absolute. */
  resolve(location: string): string {
    return new URL(location, `${this.target.baseUrl}/`).toString();
  }

  mintValidToken(): Promise<string> {
    return mintServiceToken(this.secret, { audience: this.target.serviceType, subject: SUBJECT });
  }

  async send(method: string, url: string, request: ProbeRequest = {}): Promise<ProbeAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const credential = request.credential ?? { kind: 'valid' };
    if (credential.kind !== 'none') {
      const token = credential.kind === 'token' ? credential.token : await this.mintValidToken();
      headers.authorization = `Bearer ${token}`;
    }
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]),
        redirect: 'manual',
      });
    } catch (error) {
      if (this.signal.aborted) throw error;
      const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new ServiceUnreachable(`${method} ${url}: ${reason}`);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
