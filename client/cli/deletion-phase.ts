import type { InstanceDeletionStatus, RequestStatus } from '@tenant-deletion/contract';
import type { TenantSummaryView } from './tenant-summary';
import type { InstanceView, RequestView, TenantView } from './tenant-view';

/**
 * Where a deletion stands for someone following it: still moving, waiting for an admin (failed instances wait
 * for `retry` or `cancel`, and held requests for `approve`, so the workflow stays open), or ended. A watcher
 * polls the light summary and asks `stillRunning` of it; when that is not certain, a full read decides with
 * `tenantPhase` or `requestPhase`.
 */
export type Phase = 'running' | 'waiting' | 'ended';

const MOVING: ReadonlySet<InstanceDeletionStatus> = new Set(['IN_PROGRESS', 'ON_HOLD']);
const SETTLED: ReadonlySet<RequestStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED']);

/** The whole tenant: from the totals alone, so the summary and a full read agree. */
export function tenantPhase(view: Pick<TenantView, 'workflowStatus' | 'status' | 'totals'>): Phase {
  if (view.workflowStatus !== 'RUNNING') return 'ended';
  const moving = view.totals.IN_PROGRESS + view.totals.ON_HOLD > 0;
  if (view.status === 'FAILED' && !moving) return 'waiting';
  return 'running';
}

/** One request, the deletion `tdel delete --wait` follows. */
export function requestPhase(
  view: TenantView,
  requestId: string,
): { phase: Phase; status: RequestView['status'] | null } {
  const request = view.requests.find((candidate) => candidate.requestId === requestId);
  if (!request) {
    // Not accepted yet (signals are handled in order), or the workflow ended without it.
    return view.workflowStatus === 'RUNNING' ? { phase: 'running', status: null } : { phase: 'ended', status: null };
  }
  if (request.status === 'AWAITING_APPROVAL') return { phase: 'waiting', status: request.status };
  if (SETTLED.has(request.status)) return { phase: 'ended', status: request.status };
  if (view.workflowStatus !== 'RUNNING') return { phase: 'ended', status: request.status };
  // A failed instance keeps its request open, and instances that wait on it stay PENDING: with nothing moving,
  // the request waits for an admin.
  const mine = view.instances.filter((instance) => instance.requestIds.includes(requestId));
  return blockedByFailure(mine) ? { phase: 'waiting', status: 'FAILED' } : { phase: 'running', status: request.status };
}

function blockedByFailure(instances: readonly InstanceView[]): boolean {
  return !instances.some((i) => MOVING.has(i.status)) && instances.some((i) => i.status === 'FAILED');
}

/** Whether the summary shows the tenant's deletion certainly still running (false: read it all to know). */
export function tenantStillRunning(summary: TenantSummaryView): boolean {
  return tenantPhase(summary) === 'running';
}

/**
 * Whether the summary shows the request certainly still running. A request that left the open ones settled (or
 * is not accepted yet), and when the summary left instances out, only a running one of the request's is proof.
 */
export function requestStillRunning(summary: TenantSummaryView, requestId: string): boolean {
  if (summary.workflowStatus !== 'RUNNING') return false;
  // No worker answered: a full read would get no answer either.
  if (summary.note !== null) return true;
  const request = summary.openRequests.find((candidate) => candidate.requestId === requestId);
  if (!request || request.status === 'AWAITING_APPROVAL') return false;
  const mine = summary.instances.filter((instance) => request.instances.includes(instance.serviceInstanceId));
  if (mine.some((instance) => MOVING.has(instance.status))) return true;
  return summary.attentionComplete && !blockedByFailure(mine);
}
