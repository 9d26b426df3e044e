import type { DeletedCounts } from '@tenant-deletion/contract';

/** What finalizeTenant is given: read by the activity and by the certificate it issues, so it lives apart from both. */
export interface FinalizeInput {
  tenantId: string;
  traceId: string;
  gdprMode: boolean;
  /** A whole-tenant request was completed: the tenant record goes too. */
  deleteTenantRecord: boolean;
  /** Distinguishes this finalization's events from a later deletion of a re-created tenant. */
  runKey: string;
  /** What the deletion certificate states: ids and counts only, never PII. */
  requests: {
    requestId: string;
    requestedBy: string;
    /** The operator who released the request held for approval; absent when it was not held (or from an older run). */
    approvedBy?: string;
    gdprMode: boolean;
    reason: string | null;
    wholeTenant: boolean;
  }[];
  instances: {
    serviceInstanceId: string;
    serviceType: string;
    deletedCounts: DeletedCounts;
    attempts: number;
    /** The service's preview showed zero rows after its delete. */
    verified: boolean;
  }[];
  startedAt: string;
}
