import type pg from 'pg';
import type { CertificateDraft, CertifiedRegistry } from '@tenant-deletion/contract';
import type { CertificateSigner } from '../common/certificates/signing-key';
import { appendCertificate, type StoredCertificate } from '../db/certificates';
import type { RegistryDeletion } from './registry-client';
import type { FinalizeInput } from './finalize-input';

/**
 * The certificate of one finalization, issued by finalizeTenant once the tenant is empty and the registry has
 * erased what it had to. The run key makes it idempotent: a retry gets the certificate already issued.
 */

/** What the registry did with the tenant record, always stated by new certificates (see certificate.ts). */
export type RegistryErasure = Required<CertifiedRegistry>;

/** The certificate's statement from the registry's answer: null when the registry was not asked. */
export function registryErasure(deletion: RegistryDeletion | null): RegistryErasure {
  if (deletion === null) return { tenantRecord: 'kept', tenantRecordDeleted: false, piiErased: false };
  if (!deletion.found) return { tenantRecord: 'not-found', tenantRecordDeleted: false, piiErased: false };
  return { tenantRecord: 'deleted', tenantRecordDeleted: true, piiErased: deletion.piiErased };
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
      .map(({ requestId, requestedBy, approvedBy, gdprMode, wholeTenant, reason }) => ({
        requestId,
        requestedBy,
        // Only when the request was held: a certificate states no approval that did not happen.
        ...(approvedBy ? { approvedBy } : {}),
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
