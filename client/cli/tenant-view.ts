import { WorkflowFailedError, type WorkflowExecutionStatusName } from '@temporalio/client';
import {
  tenantWorkflowId,
  tenantDeletionResultSchema,
  type DeletedCounts,
  type DeletionStatus,
  type InstanceDeletionStatus,
  type InstanceOutcome,
  type InstanceState,
  type RequestStatus,
  type TenantProgress,
} from '@tenant-deletion/contract';
import type { DeadlineStanding } from '../../common/gdpr-deadline';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { deletionHandle, readProgress } from '@tenant-deletion/client';
import { dueDate } from './due-date';
import { formatTime } from './output';
import { isUnreachable, type TemporalSession } from './temporal-connection';
import type { WebUi } from './web-ui';

/**
 * One tenant's deletion as `tdel status` shows it, whichever way Temporal can tell: the `progress` query while
 * the workflow runs, its result once it completed, or what visibility knows when it ended otherwise. This is
 * also the shape of `tdel status --json`.
 */

export interface InstanceView {
  serviceInstanceId: string;
  serviceType: string;
  status: InstanceDeletionStatus;
  deletedCounts: DeletedCounts;
  deletedRecords: number;
  attempts: number;
  lastError: string | null;
  /** The requests waiting on this instance (empty when read from a result). */
  requestIds: string[];
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RequestView {
  requestId: string;
  status: RequestStatus;
  dryRun: boolean;
  /** Why the workflow refused or settled the request, when it says. */
  reason: string | null;
  /** Known while the workflow runs; null once read from a result. */
  requestedBy: string | null;
  traceId: string | null;
  gdprMode: boolean | null;
  wholeTenant: boolean | null;
  /** Dry runs: what each instance would delete, per table; null until the previews are in. */
  preview: Record<string, DeletedCounts> | null;
}

export type ViewTotals = Record<InstanceDeletionStatus, number> & { instances: number; deletedRecords: number };

export interface TenantView {
  tenantId: string;
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED… */
  workflowStatus: WorkflowExecutionStatusName;
  /** The deletion's rolled-up status (DeletionStatus); null when nothing says. */
  status: DeletionStatus | null;
  /** Where the numbers come from. */
  source: 'progress' | 'result' | 'visibility';
  startTime: string;
  closeTime: string | null;
  instances: InstanceView[];
  requests: RequestView[];
  totals: ViewTotals;
  certificateId: string | null;
  /** The earliest due date of its open GDPR requests (DeletionDueAt), ISO-8601; null when none is GDPR. */
  dueAt: string | null;
  /** Where a running deletion stands against that date; null once it ended or when nothing is due. */
  deadline: DeadlineStanding | null;
  webUiUrl: string;
  /** Why the view is partial, when it is. */
  note: string | null;
}

export const QUERY_TIMEOUT_MS = 5_000;

export function recordsIn(counts: DeletedCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

export function viewTotals(instances: readonly InstanceView[]): ViewTotals {
  const sum: ViewTotals = {
    instances: 0,
    PENDING: 0,
    IN_PROGRESS: 0,
    ON_HOLD: 0,
    COMPLETED: 0,
    FAILED: 0,
    CANCELLED: 0,
    REJECTED: 0,
    deletedRecords: 0,
  };
  for (const instance of instances) {
    sum.instances += 1;
    sum[instance.status] += 1;
    sum.deletedRecords += instance.deletedRecords;
  }
  return sum;
}

const isoOrNull = (epochMs: number | null | undefined) => (epochMs ? formatTime(epochMs) : null);

/** What the queries and the result both say of an instance. */
function outcomeOf(
  instance: Pick<InstanceOutcome, 'serviceInstanceId' | 'serviceType' | 'status' | 'deletedCounts' | 'attempts'>,
) {
  return {
    serviceInstanceId: instance.serviceInstanceId,
    serviceType: instance.serviceType,
    status: instance.status,
    deletedCounts: instance.deletedCounts,
    deletedRecords: recordsIn(instance.deletedCounts),
    attempts: instance.attempts,
  };
}

/** One instance as the `progress` and `summary` queries answer it. */
export function instanceView(instance: InstanceState): InstanceView {
  return {
    ...outcomeOf(instance),
    lastError: instance.lastError,
    requestIds: instance.requestIds,
    startedAt: isoOrNull(instance.startedAt),
    finishedAt: isoOrNull(instance.finishedAt),
  };
}

/** Before the first request is accepted the workflow's roll-up says COMPLETED (nothing left to do): not yet. */
export function notStartedYet(requests: number, instances: number): boolean {
  return requests === 0 && instances === 0;
}

export function fromProgress(progress: TenantProgress): Pick<TenantView, 'status' | 'instances' | 'requests'> {
  return {
    status: notStartedYet(progress.requests.length, progress.instances.length) ? 'PENDING' : progress.status,
    instances: progress.instances.map(instanceView),
    requests: progress.requests.map((request) => ({
      requestId: request.requestId,
      status: request.status,
      dryRun: request.dryRun,
      reason: request.reason,
      requestedBy: request.requestedBy,
      traceId: request.traceId,
      gdprMode: request.gdprMode,
      wholeTenant: request.wholeTenant,
      preview: request.preview ?? null,
    })),
  };
}

export function fromResult(
  raw: unknown,
): Pick<TenantView, 'status' | 'instances' | 'requests' | 'certificateId' | 'note'> {
  const parsed = tenantDeletionResultSchema.safeParse(raw);
  if (!parsed.success) {
    return { status: null, instances: [], requests: [], certificateId: null, note: 'the result has an unknown shape' };
  }
  const result = parsed.data;
  return {
    status: result.status,
    instances: result.instances.map((instance) => ({
      ...outcomeOf(instance),
      lastError: instance.failureReason,
      requestIds: [],
      startedAt: null,
      finishedAt: null,
    })),
    requests: result.requests.map((request) => ({
      requestId: request.requestId,
      status: request.status,
      dryRun: request.dryRun,
      reason: request.reason,
      requestedBy: null,
      traceId: null,
      gdprMode: null,
      wholeTenant: null,
      preview: request.preview ?? null,
    })),
    certificateId: result.certificateId ?? null,
    note: null,
  };
}

/** Reads a tenant's deletion; throws WorkflowNotFoundError (mapped to exit 3 by the caller) when there is none. */
export async function readTenantView(session: TemporalSession, webUi: WebUi, tenantId: string): Promise<TenantView> {
  const workflowId = tenantWorkflowId(tenantId);
  const handle = deletionHandle(session.client, tenantId);
  const description = await handle.describe();
  const base = {
    tenantId,
    workflowId,
    runId: description.runId,
    workflowStatus: description.status.name,
    startTime: formatTime(description.startTime),
    closeTime: description.closeTime ? formatTime(description.closeTime) : null,
    webUiUrl: webUi.workflow(workflowId),
    certificateId: null,
    ...dueDate(description, new Date()),
  };
  const visibility = {
    ...base,
    source: 'visibility' as const,
    status: (description.typedSearchAttributes.get(DELETION_STATUS) as DeletionStatus | undefined) ?? null,
    instances: [],
    requests: [],
    totals: viewTotals([]),
  };

  if (description.status.name === 'RUNNING') {
    try {
      const progress = await session.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => readProgress(handle));
      const parts = fromProgress(progress);
      return { ...base, source: 'progress', ...parts, totals: viewTotals(parts.instances), note: null };
    } catch (error) {
      if (isUnreachable(error)) throw error;
      return { ...visibility, note: noAnswer('progress', error) };
    }
  }
  if (description.status.name === 'COMPLETED') {
    const parts = fromResult(await handle.result());
    return { ...base, source: 'result', ...parts, totals: viewTotals(parts.instances) };
  }
  return { ...visibility, note: `the workflow ended ${description.status.name}${await endReason(handle)}` };
}

/** Why a query of a running workflow got nothing, and what to do. */
export function noAnswer(query: string, error: unknown): string {
  return (
    `the workflow runs but its ${query} query got no answer (${(error as Error).message}): ` +
    'are the workers running? start them with `npm run worker`'
  );
}

async function endReason(handle: { result(): Promise<unknown> }): Promise<string> {
  try {
    await handle.result();
    return '';
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? (error.cause?.message ?? error.message) : '';
    return cause ? `: ${cause}` : '';
  }
}
