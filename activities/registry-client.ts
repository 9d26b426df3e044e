import { mintServiceToken } from '../common/service-token';
import { REGISTRY } from '../services/fleet/topology';
import { FAILURE_TYPES, serviceFailure } from './service-failures';

/** The tenant registry's suspend and delete, as the contract pins them; failures map like any service's. */
export class RegistryClient {
  constructor(
    private readonly registryUrl: string,
    private readonly secret: string,
  ) {}

  /** Returns false when the registry does not know the tenant, which is not ours to fix. */
  async suspend(tenantId: string, traceId: string, attempt: number): Promise<boolean> {
    const response = await this.call('POST', `/tenants/${encodeURIComponent(tenantId)}/suspend`, traceId, attempt);
    return response.status !== 404;
  }

  async resume(tenantId: string, traceId: string, attempt: number): Promise<void> {
    await this.call('POST', `/tenants/${encodeURIComponent(tenantId)}/resume`, traceId, attempt);
  }

  async deleteTenant(tenantId: string, erasePii: boolean, traceId: string, attempt: number): Promise<void> {
    await this.call('DELETE', `/tenants/${encodeURIComponent(tenantId)}?erasePii=${erasePii}`, traceId, attempt);
  }

  private async call(method: string, path: string, traceId: string, attempt: number): Promise<Response> {
    const token = await mintServiceToken(this.secret, { audience: REGISTRY.serviceType, subject: 'orchestrator' });
    const details = { attempt };
    let response: Response;
    try {
      response = await fetch(`${this.registryUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'x-trace-id': traceId },
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw serviceFailure(
        FAILURE_TYPES.unreachable,
        `tenant registry unreachable at ${this.registryUrl}: ${(error as Error).message}`,
        details,
      );
    }
    await response.body?.cancel();
    if (response.ok || response.status === 404) return response;
    const what = `tenant registry answered ${method} ${path.split('?')[0]} with ${response.status}`;
    if (response.status >= 500 || response.status === 429) {
      throw serviceFailure(FAILURE_TYPES.unavailable, what, { ...details, httpStatus: response.status });
    }
    throw serviceFailure(FAILURE_TYPES.rejected, what, { ...details, httpStatus: response.status });
  }
}
