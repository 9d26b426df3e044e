import {
  mintServiceToken,
  REGISTRY_AUDIENCE,
  type Scope,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import { FAILURE_TYPES } from '@tenant-deletion/contract';
import { inClientSpan } from '@tenant-deletion/contract/service-client';
import { serviceFailure } from './service-failures';

/** What the registry's DELETE did: the record was deleted (its PII erased or not), or there was none (404). */
export type RegistryDeletion = { found: true; piiErased: boolean } | { found: false };

interface Answer {
  status: number;
  body: unknown;
}

/**
 * The tenant registry's suspend, delete and read, as the contract pins them; failures map like any service's. Each
 * call carries a token of its own scope only, signed with the workers' key: a leaked read token erases nothing.
 */
export class RegistryClient {
  constructor(
    private readonly registryUrl: string,
    private readonly signer: TokenSigner,
  ) {}

  /** Returns false when the registry does not know the tenant, which is not ours to fix. */
  async suspend(tenantId: string, traceId: string, attempt: number): Promise<boolean> {
    const answer = await this.call(
      'registry:suspend',
      'POST',
      '/tenants/{tenantId}/suspend',
      tenantId,
      traceId,
      attempt,
    );
    return answer.status !== 404;
  }

  async resume(tenantId: string, traceId: string, attempt: number): Promise<void> {
    // Resuming undoes a suspension: the same scope.
    await this.call('registry:suspend', 'POST', '/tenants/{tenantId}/resume', tenantId, traceId, attempt);
  }

  /**
   * A 404 is no failure (a retried delete must converge) but neither is it an erasure: the caller is told the record
   * was not found, so that no certificate says PII was erased. The registry's own `pii_erased` is believed when given.
   */
  async deleteTenant(tenantId: string, erasePii: boolean, traceId: string, attempt: number): Promise<RegistryDeletion> {
    const route = `/tenants/{tenantId}?erasePii=${erasePii}`;
    const answer = await this.call('registry:erase', 'DELETE', route, tenantId, traceId, attempt);
    if (answer.status === 404) return { found: false };
    const stated = (answer.body as { pii_erased?: unknown } | null)?.pii_erased;
    return { found: true, piiErased: typeof stated === 'boolean' ? stated : erasePii };
  }

  /** When the registry created the tenant, or last re-created it (ISO-8601); null when it does not know the tenant. */
  async createdAt(tenantId: string, traceId: string, attempt: number): Promise<string | null> {
    const answer = await this.call('registry:read', 'GET', '/tenants/{tenantId}', tenantId, traceId, attempt);
    if (answer.status === 404) return null;
    const stated = (answer.body as { created_at?: unknown } | null)?.created_at;
    if (typeof stated !== 'string' || Number.isNaN(Date.parse(stated))) {
      throw serviceFailure(
        FAILURE_TYPES.rejected,
        `tenant registry answered GET /tenants/${tenantId} without a created_at timestamp, so a request cannot be ` +
          'checked against the tenant’s (re)creation: upgrade the registry',
        { attempt },
      );
    }
    return new Date(stated).toISOString();
  }

  /** `route` is the path with `{tenantId}` in it: the span names the route, the request fills the tenant in. */
  private async call(
    scope: Scope,
    method: string,
    route: string,
    tenantId: string,
    traceId: string,
    attempt: number,
  ): Promise<Answer> {
    const token = await mintServiceToken(this.signer, {
      audience: REGISTRY_AUDIENCE,
      subject: 'orchestrator',
      scopes: [scope],
    });
    const details = { attempt };
    const path = route.replace('{tenantId}', encodeURIComponent(tenantId));
    const url = `${this.registryUrl}${path}`;
    const spanRoute = route.split('?')[0];
    let response: Response;
    let text: string;
    try {
      response = await inClientSpan(
        {
          method,
          route: spanRoute,
          url,
          attributes: { 'tdel.tenant_id': tenantId, 'tdel.trace_id': traceId },
          expected: [404],
        },
        (traceHeaders) =>
          fetch(url, {
            method,
            headers: { authorization: `Bearer ${token}`, 'x-trace-id': traceId, ...traceHeaders },
            signal: AbortSignal.timeout(30_000),
          }),
      );
      text = await response.text();
    } catch (error) {
      throw serviceFailure(
        FAILURE_TYPES.unreachable,
        `tenant registry unreachable at ${this.registryUrl}: ${(error as Error).message}`,
        details,
      );
    }
    if (response.ok || response.status === 404) return { status: response.status, body: parsed(text) };
    const what = `tenant registry answered ${method} ${path.split('?')[0]} with ${response.status}`;
    if (response.status >= 500 || response.status === 429) {
      throw serviceFailure(FAILURE_TYPES.unavailable, what, { ...details, httpStatus: response.status });
    }
    throw serviceFailure(FAILURE_TYPES.rejected, what, { ...details, httpStatus: response.status });
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
