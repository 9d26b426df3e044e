import { randomUUID } from 'node:crypto';
import {
  issuerGranting,
  mintServiceToken,
  type Scope,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import { CheckFailed, CheckSkipped } from './check-result';

/**
 * The checker's only way to the service: HTTP requests under its base URL, each with a fresh token for its service
 * type and the route's scope, as the workers (deletion) and the admins' tools (legal holds, fault knobs) mint them,
 * unless a check sends another credential on purpose.
 */

export interface ProbeTarget {
  baseUrl: string;
  serviceType: string;
}

/**
 * The token a request carries: a valid one for the route's scope (or the scope named), none at all, or one a check
 * minted to be refused.
 */
export type Credential = { kind: 'valid'; scope?: Scope } | { kind: 'none' } | { kind: 'token'; token: string };

/** The keys the checker signs with: the orchestrator's always; the admins' for holds and fault knobs, when given. */
export interface ProbeSigners {
  orchestrator: TokenSigner;
  /** Why there is no admin key, when there is none: the checks that need it skip with this. */
  admin: TokenSigner | { missing: string };
}

/**
 * The scope the contract gives a route: legal holds and fault knobs are the admins', a preview is
 * tenant-data:preview, and a DELETE and the Location it answers (wherever the service puts it) tenant-data:delete.
 */
export function scopeOfRoute(method: string, url: string): Scope {
  const path = new URL(url).pathname;
  if (/\/admin\/legal-holds\/[^/]+$/.test(path)) return 'legal-hold:admin';
  if (/\/admin\/(faults|request-counts)$/.test(path)) return 'kit:faults';
  if (method === 'GET' && path.endsWith('/deletion-preview')) return 'tenant-data:preview';
  return 'tenant-data:delete';
}

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
    readonly signers: ProbeSigners,
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

  /** The signer that grants a scope; a check needing the admin key that is not given is skipped, saying why. */
  signerFor(scope: Scope): TokenSigner {
    if (issuerGranting(scope) === this.signers.orchestrator.issuer) return this.signers.orchestrator;
    const admin = this.signers.admin;
    if ('missing' in admin) throw new CheckSkipped(`needs a ${scope} token: ${admin.missing}`);
    return admin;
  }

  mintValidToken(scope: Scope, audience = this.target.serviceType): Promise<string> {
    return mintServiceToken(this.signerFor(scope), { audience, subject: SUBJECT, scopes: [scope] });
  }

  async send(method: string, url: string, request: ProbeRequest = {}): Promise<ProbeAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const credential = request.credential ?? { kind: 'valid' };
    if (credential.kind !== 'none') {
      const token =
        credential.kind === 'token'
          ? credential.token
          : await this.mintValidToken(credential.scope ?? scopeOfRoute(method, url));
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
