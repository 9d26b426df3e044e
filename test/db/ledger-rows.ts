import type { LedgerEntry, LedgerOutcome } from '../../db/ledger';

/** Ledger rows as the tenant workflow's activities write them, for tests of what reads the ledger. */

export function ledgerEntry(tenantId: string, requestId: string, serviceInstanceId: string): LedgerEntry {
  return {
    requestId,
    tenantId,
    serviceInstanceId,
    serviceType: serviceInstanceId.split('-')[0],
    traceId: 'tr-1',
    workflowId: `tenant-deletion:${tenantId}`,
    dryRun: false,
    gdprMode: false,
    dueAt: null,
  };
}

export function ledgerOutcome(
  tenantId: string,
  requestId: string,
  serviceInstanceId: string,
  status: LedgerOutcome['status'],
): LedgerOutcome {
  return {
    tenantId,
    serviceInstanceId,
    requestIds: [requestId],
    status,
    attempts: 1,
    durationMs: 5,
    failureReason: status === 'FAILED' ? 'the service answered 500' : null,
    deletedCounts: {},
    finishedAt: new Date(),
  };
}
