import type pg from 'pg';
import type { CertificateDraft } from '../common/certificates/certificate';
import type { CertificateSigner } from '../common/certificates/signing-key';
import { appendCertificate, type StoredCertificate } from '../db/certificates';
import type { FinalizeInput } from './tenant-activities';

/**
 * The certificate of one finalization, issued by finalizeTenant once the tenant is empty and the registry has
 * erased what it had to. The run key makes it idempotent: a retry gets the certificate already issued.
 */

export interface RegistryErasure {
  tenantRecordDeleted: boolean;
  piiErased: boolean;
}

/** What the certificate states, from the finalization's input: ids, counts and timestamps, never PII. */
export function certificateDraft(input: FinalizeInput, registry: RegistryErasure, finishedAt: Date): CertificateDraft {
  const byId =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  return {
    tenantId: input.tenantId,
    gdprMode: input.gdprMode,
    startedAt: input.startedAt,
    finishedAt: finishedAt.toISOString(),
    requests: input.requests
      .map(({ requestId, requestedBy, gdprMode, wholeTenant, reason }) => ({
        requestId,
        requestedBy,
        gdprMode,
        wholeTenant,
        reason,
      }))
      .sort(byId((request) => request.requestId)),
    instances: input.instances
      .map(({ serviceType, serviceInstanceId, deletedCounts, attempts, verified }) => ({
        serviceType,
        serviceInstanceId,
        deletedCounts,
        attempts,
        verification: verified ? ('preview-zero' as const) : ('not-verified' as const),
      }))
      .sort(byId((instance) => instance.serviceInstanceId)),
    registry,
  };
}

export async function issueCertificate(
  db: pg.Pool,
  signer: CertificateSigner,
  input: FinalizeInput,
  registry: RegistryErasure,
): Promise<StoredCertificate> {
  const { stored } = await appendCertificate(db, signer, input.runKey, certificateDraft(input, registry, new Date()));
  return stored;
}
