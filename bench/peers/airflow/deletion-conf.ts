import {
  MAX_TOKEN_LIFETIME_SECONDS,
  mintServiceToken,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import type { DeletionConf } from './airflow-api';
import type { PeerInstance } from './instances-file';

/**
 * A DAG run's conf: the tenant and one token per service type, signed with the orchestrator's key as
 * bench/gather-delete.ts signs its own. The longest lifetime the contract allows (5 minutes), not gather's minute:
 * a run may wait in Airflow's queue before its tasks start, and an expired token is a 401 no retry mends.
 */
export async function deletionConf(
  signer: TokenSigner,
  tenantId: string,
  traceId: string,
  instances: PeerInstance[],
): Promise<DeletionConf> {
  const serviceTypes = [...new Set(instances.map((instance) => instance.serviceType))];
  const tokens = await Promise.all(
    serviceTypes.map(async (serviceType) => [
      serviceType,
      await mintServiceToken(signer, {
        audience: serviceType,
        subject: 'bench-airflow',
        scopes: ['tenant-data:delete'],
        lifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS,
      }),
    ]),
  );
  return { tenantId, traceId, tokens: Object.fromEntries(tokens) };
}
