import type { DeletionBody, PreviewBody } from '@tenant-deletion/contract';
import type { Counts } from './deletion-counts';
import { totalOf } from './deletion-counts';

/** The contract's preview and delete answers (their schemas are the contract's service-http.ts), as the kit sends them. */

export function previewBody(serviceName: string, tenantId: string, counts: Counts): PreviewBody {
  return {
    tenant_id: tenantId,
    service_name: serviceName,
    counts,
    total: totalOf(counts),
    timestamp: new Date().toISOString(),
  };
}

export function deletionBody(serviceName: string, tenantId: string, counts: Counts): DeletionBody {
  return {
    tenant_id: tenantId,
    service_name: serviceName,
    success: true,
    deleted_counts: counts,
    errors: [],
    timestamp: new Date().toISOString(),
  };
}
