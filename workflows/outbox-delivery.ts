import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { serviceInstanceWorkflowId } from '@tenant-deletion/contract';
import { orchestration } from './orchestration-activities';
import type { TenantState } from './tenant-state';

/** Outcomes per report activity at most: a whole-tenant cancel of 5,000 instances stays far below 2 MB a payload. */
const REPORT_CHUNK = 500;

/**
 * Carries out what the state decided: asks running children to cancel (by id, so children of earlier runs are
 * reached too), resumes a tenant whose grace period was cancelled, and writes outcomes to the ledger and the
 * result topic, all in parallel.
 */
export async function deliver(state: TenantState): Promise<void> {
  const { reports, cancelChildren, resumeTenant } = state.takeOutbox();
  const { tenantId } = state;
  const requestRecord = (requestId: string) => {
    const request = state.requests.get(requestId);
    return request ? [{ requestId, traceId: request.traceId, dryRun: request.dryRun, gdprMode: request.gdprMode }] : [];
  };
  // One activity per group of requests, not per instance: a whole-tenant cancel is one call, not thousands.
  const grouped = new Map<string, (typeof reports)[number]>();
  for (const report of reports) {
    const key = report.requestIds.join('\n');
    const group = grouped.get(key);
    if (group) group.instances.push(...report.instances);
    else grouped.set(key, { requestIds: report.requestIds, instances: [...report.instances] });
  }
  await Promise.all([
    ...cancelChildren.map((id) =>
      getExternalWorkflowHandle(serviceInstanceWorkflowId(tenantId, id))
        .cancel()
        .catch(() => {
          // Already ended: its outcome is on the way.
        }),
    ),
    ...resumeTenant.map((traceId) => orchestration.resumeTenant(tenantId, traceId)),
    ...[...grouped.values()].flatMap((group) =>
      chunks(group.instances, REPORT_CHUNK).map((instances) =>
        orchestration.reportOutcomes({ tenantId, requests: group.requestIds.flatMap(requestRecord), instances }),
      ),
    ),
  ]);
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
