import { workflowInfo } from '@temporalio/workflow';
import { isRefusal } from './admission';
import { failureMessage, orchestration } from './orchestration-activities';
import type { TenantState } from './tenant-state';

/**
 * Finalizes the tenant when a request has completed and nothing is left to run: TENANT_EMPTY, the tenant record
 * and its PII (whole-tenant or GDPR), the signed certificate. Also when every instance was gone before the
 * request came: a GDPR request still erases. A registry refusal fails the completed requests, not the run;
 * retryFailed finalizes again.
 */
export async function finalizeIfDone(state: TenantState): Promise<void> {
  const completed = state.toFinalize();
  if (completed.length === 0) return;
  const instances = [...state.instances.values()].filter((instance) => instance.status === 'COMPLETED');
  try {
    const finalized = await orchestration.finalizeTenant({
      tenantId: state.tenantId,
      traceId: completed[completed.length - 1].traceId,
      gdprMode: completed.some((request) => request.gdprMode),
      deleteTenantRecord: completed.some((request) => request.wholeTenant),
      runKey: `${workflowInfo().firstExecutionRunId}:${state.finalizations + 1}`,
      requests: completed.map(({ requestId, requestedBy, approvedBy, gdprMode, statedReason, wholeTenant }) => ({
        requestId,
        requestedBy,
        // An activity's input is not replayed against history, so adding it needs no patch.
        ...(approvedBy ? { approvedBy } : {}),
        gdprMode,
        reason: statedReason,
        wholeTenant,
      })),
      instances: instances.map(({ serviceInstanceId, serviceType, deletedCounts, attempts }) => ({
        serviceInstanceId,
        serviceType,
        deletedCounts,
        attempts,
        verified: true,
      })),
      startedAt: workflowInfo().startTime.toISOString(),
    });
    state.finalized(finalized.certificateId);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    for (const request of completed.filter((r) => state.unfinalized.has(r.requestId))) {
      state.failStep(
        request.requestId,
        'finalization',
        `the tenant registry refused finalization: ${failureMessage(error)}`,
      );
    }
  }
}
