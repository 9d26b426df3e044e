import type { WorkflowExecutionStatusName } from '@temporalio/client';
import {
  SUMMARY_ATTENTION_LIMIT,
  type DeletionStatus,
  type RequestStatus,
  type TenantSummary,
} from '@tenant-deletion/contract';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { deletionHandle, readSummary } from '@tenant-deletion/client';
import { isUnreachable, type TemporalSession } from './temporal-connection';
import {
  instanceView,
  noAnswer,
  notStartedYet,
  QUERY_TIMEOUT_MS,
  type InstanceView,
  type TenantView,
  viewTotals,
} from './tenant-view';

/**
 * What a watcher polls every second: the workflow's light `summary` query (totals, open requests and only the
 * instances that need attention), so that following a tenant of thousands of instances does not fetch all of
 * them each time. Enough to draw progress and to tell when to read the whole deletion (tenant-view.ts) once.
 */
export interface TenantSummaryView extends Pick<TenantView, 'tenantId' | 'workflowStatus' | 'status' | 'totals'> {
  /** Failed and held instances first, then running ones: never pending or settled ones. */
  instances: InstanceView[];
  /** Whether `instances` holds every failed, held and running instance (the query answers at most a limit). */
  attentionComplete: boolean;
  openRequests: { requestId: string; status: RequestStatus; instances: string[] }[];
  /** Why the summary is empty, when it is (no worker answered). */
  note: string | null;
}

export function fromSummary(
  summary: TenantSummary,
): Pick<TenantSummaryView, 'status' | 'totals' | 'instances' | 'attentionComplete' | 'openRequests'> {
  const { deletedRecords, ...byStatus } = summary.totals;
  const instances = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  return {
    status: notStartedYet(summary.openRequests.length, instances) ? 'PENDING' : summary.status,
    totals: { ...summary.totals, instances, deletedRecords },
    instances: summary.attention.map(instanceView),
    attentionComplete: summary.attention.length < SUMMARY_ATTENTION_LIMIT,
    openRequests: summary.openRequests.map(({ requestId, status, instances: ids }) => ({
      requestId,
      status,
      instances: ids,
    })),
  };
}

/** Reads the summary of a running deletion; of an ended one only that it ended (a full read tells the rest). */
export async function readTenantSummary(session: TemporalSession, tenantId: string): Promise<TenantSummaryView> {
  const handle = deletionHandle(session.client, tenantId);
  const description = await handle.describe();
  const workflowStatus: WorkflowExecutionStatusName = description.status.name;
  const unknown = {
    tenantId,
    workflowStatus,
    status: (description.typedSearchAttributes.get(DELETION_STATUS) as DeletionStatus | undefined) ?? null,
    totals: viewTotals([]),
    instances: [],
    attentionComplete: false,
    openRequests: [],
    note: null,
  };
  if (workflowStatus !== 'RUNNING') return unknown;
  try {
    const summary = await session.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => readSummary(handle));
    return { tenantId, workflowStatus, ...fromSummary(summary), note: null };
  } catch (error) {
    if (isUnreachable(error)) throw error;
    return { ...unknown, note: noAnswer('summary', error) };
  }
}
