import { WorkflowFailedError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { tenantWorkflowId } from '../../common/contract';
import type { DeadlineStanding } from '../../common/gdpr-deadline';
import {
  tenantDeletionResultSchema,
  type DeletedCounts,
  type DeletionStatus,
  type InstanceDeletionStatus,
} from '../../common/deletion-outcome';
import { DELETION_STATUS } from '../../workflows/search-attributes';
import { progressQuery } from '../../workflows/signals';
import { countsTotal, TERMINAL, type TenantProgress } from '../../workflows/tenant-progress';
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
  status: InstanceDeletionStatus | 'AWAITING_APPROVAL';
  dryRun: boolean;
  /** Why the workflow refused or settled the request, when it says. */
  reason: string | null;
  /** Known while the workflow runs; null once read from a result. */
  requestedBy: string | null;
  traceId: string | null;
  gdprMode: boolean | null;
  wholeTenant: boolean | null;
  /** Dry runs: what each instance would delete. */
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

const QUERY_TIMEOUT_MS = 5_000;

function emptyTotals(): ViewTotals {
  return {
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
}

export function viewTotals(instances: readonly InstanceView[]): ViewTotals {
  const sum = emptyTotals();
  for (const instance of instances) {
    sum.instances += 1;
    sum[instance.status] += 1;
    sum.deletedRecords += instance.deletedRecords;
  }
  return sum;
}

const isoOrNull = (epochMs: number | null | undefined) => (epochMs ? formatTime(epochMs) : null);

function fromProgress(progress: TenantProgress): Pick<TenantView, 'status' | 'instances' | 'requests'> {
  return {
    // Before the first request is accepted the workflow's roll-up says COMPLETED (nothing left to do): not yet.
    status: progress.requests.length === 0 && progress.instances.length === 0 ? 'PENDING' : progress.status,
    instances: progress.instances.map((instance) => ({
      serviceInstanceId: instance.serviceInstanceId,
      serviceType: instance.serviceType,
      status: instance.status,
      deletedCounts: instance.deletedCounts,
      deletedRecords: countsTotal(instance.deletedCounts),
      attempts: instance.attempts,
      lastError: instance.lastError,
      requestIds: instance.requestIds,
      startedAt: isoOrNull(instance.startedAt),
      finishedAt: isoOrNull(instance.finishedAt),
    })),
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

function fromResult(raw: unknown): Pick<TenantView, 'status' | 'instances' | 'requests' | 'certificateId' | 'note'> {
  const parsed = tenantDeletionResultSchema.safeParse(raw);
  if (!parsed.success) {
    return { status: null, instances: [], requests: [], certificateId: null, note: 'the result has an unknown shape' };
  }
  const result = parsed.data;
  return {
    status: result.status,
    instances: result.instances.map((instance) => ({
      serviceInstanceId: instance.serviceInstanceId,
      serviceType: instance.serviceType,
      status: instance.status,
      deletedCounts: instance.deletedCounts,
      deletedRecords: countsTotal(instance.deletedCounts),
      attempts: instance.attempts,
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
      preview: null,
    })),
    certificateId: result.certificateId ?? null,
    note: null,
  };
}

/** Reads a tenant's deletion; throws WorkflowNotFoundError (mapped to exit 3 by the caller) when there is none. */
export async function readTenantView(session: TemporalSession, webUi: WebUi, tenantId: string): Promise<TenantView> {
  const workflowId = tenantWorkflowId(tenantId);
  const handle = session.client.workflow.getHandle(workflowId);
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
      const progress = await session.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
        handle.query(progressQuery),
      );
      const parts = fromProgress(progress);
      return { ...base, source: 'progress', ...parts, totals: viewTotals(parts.instances), note: null };
    } catch (error) {
      if (isUnreachable(error)) throw error;
      return {
        ...visibility,
        note:
          `the workflow runs but its progress query got no answer (${(error as Error).message}): ` +
          'are the workers running? start them with `npm run worker`',
      };
    }
  }
  if (description.status.name === 'COMPLETED') {
    const parts = fromResult(await handle.result());
    if (parts.requests.some((request) => request.dryRun)) {
      await addPreviews(parts.requests, () =>
        session.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(progressQuery)),
      );
    }
    return { ...base, source: 'result', ...parts, totals: viewTotals(parts.instances) };
  }
  return { ...visibility, note: `the workflow ended ${description.status.name}${await endReason(handle)}` };
}

/**
 * A dry run's per-instance counts live in the workflow's state, not in its result: once the workflow closed, a
 * query (replayed by a worker) still has them. Without a worker the previews are left out, and the view says so.
 */
async function addPreviews(requests: RequestView[], query: () => Promise<TenantProgress>): Promise<void> {
  try {
    const progress = await query();
    for (const request of requests) {
      request.preview = progress.requests.find((r) => r.requestId === request.requestId)?.preview ?? null;
    }
  } catch {
    // Best effort: the result's own statuses stand.
  }
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

const MOVING: ReadonlySet<InstanceDeletionStatus> = new Set(['IN_PROGRESS', 'ON_HOLD']);

/**
 * Where a tenant's deletion stands for someone following it: still moving, waiting for an admin (failed
 * instances wait for `retry` or `cancel`, so the workflow stays open), or ended.
 */
export function tenantPhase(view: TenantView): 'running' | 'waiting' | 'ended' {
  if (view.workflowStatus !== 'RUNNING') return 'ended';
  const moving = view.instances.some((instance) => MOVING.has(instance.status));
  if (view.status === 'FAILED' && !moving) return 'waiting';
  return 'running';
}

/** Where one request stands: the deletion `tdel delete --wait` follows. */
export function requestPhase(
  view: TenantView,
  requestId: string,
): { phase: 'running' | 'waiting' | 'ended'; status: RequestView['status'] | null } {
  const request = view.requests.find((candidate) => candidate.requestId === requestId);
  if (!request) {
    // Not accepted yet (signals are handled in order), or the workflow ended without it.
    return view.workflowStatus === 'RUNNING' ? { phase: 'running', status: null } : { phase: 'ended', status: null };
  }
  if (request.status === 'AWAITING_APPROVAL') return { phase: 'waiting', status: request.status };
  if (TERMINAL.has(request.status)) return { phase: 'ended', status: request.status };
  if (view.workflowStatus !== 'RUNNING') return { phase: 'ended', status: request.status };
  // A failed instance keeps its request open, and instances that wait on it stay PENDING: with nothing moving,
  // the request waits for an admin.
  const mine = view.instances.filter((instance) => instance.requestIds.includes(requestId));
  const moving = mine.some((instance) => MOVING.has(instance.status));
  if (!moving && mine.some((instance) => instance.status === 'FAILED')) return { phase: 'waiting', status: 'FAILED' };
  return { phase: 'running', status: request.status };
}
