import type { Counts } from './deletion-counts';
import { totalOf } from './deletion-counts';

/** The bodies of the contract's preview and delete answers; the field names are the contract's. */

export interface PreviewBody {
  tenant_id: string;
  service_name: string;
  counts: Counts;
  total: number;
  timestamp: string;
}

export interface DeletionBody {
  tenant_id: string;
  service_name: string;
  success: true;
  deleted_counts: Counts;
  errors: string[];
  timestamp: string;
}

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
