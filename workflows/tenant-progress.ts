import type { DeletedCounts, DeletionStatus, InstanceDeletionStatus } from '../common/deletion-outcome';

/** The tenant workflow's state as the `progress` query shows it, and the pure roll-ups over it. */

export interface InstanceState {
  serviceInstanceId: string;
  serviceType: string;
  baseUrl: string;
  status: InstanceDeletionStatus;
  deletedCounts: DeletedCounts;
  attempts: number;
  lastError: string | null;
  /** Requests waiting on this instance's deletion. */
  requestIds: string[];
  /** 1 for the first run; each retryFailed starts another. */
  run: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface RequestState {
  requestId: string;
  traceId: string;
  requestedBy: string;
  gdprMode: boolean;
  dryRun: boolean;
  wholeTenant: boolean;
  status: InstanceDeletionStatus | 'AWAITING_APPROVAL';
  /** Who released the request when it was held for approval. */
  approvedBy: string | null;
  /** Why the request was refused or did not complete. */
  reason: string | null;
  /** Why it was asked for, as the requester said (e.g. contract-ended). */
  statedReason: string | null;
  /** GDPR requests (not dry runs): when the law wants the deletion done, ISO-8601; null otherwise. */
  dueAt: string | null;
  /** Dry runs only: what each instance would delete. */
  preview?: Record<string, DeletedCounts>;
}

export interface TenantProgress {
  tenantId: string;
  status: DeletionStatus;
  instances: InstanceState[];
  requests: RequestState[];
  totals: Record<InstanceDeletionStatus, number> & { deletedRecords: number };
}

export const TERMINAL: ReadonlySet<InstanceDeletionStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED']);

export function countsTotal(counts: DeletedCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** One status for the whole tenant, as the DeletionStatus search attribute shows it. */
export function rollUpStatus(instances: readonly InstanceState[], requests: readonly RequestState[]): DeletionStatus {
  const statuses = new Set(instances.map((instance) => instance.status));
  if (statuses.has('ON_HOLD')) return 'ON_HOLD';
  if (statuses.has('IN_PROGRESS')) return 'IN_PROGRESS';
  if (statuses.has('FAILED')) return 'FAILED';
  if (statuses.has('PENDING')) return 'IN_PROGRESS';
  if (requests.some((request) => request.status === 'AWAITING_APPROVAL')) return 'AWAITING_APPROVAL';
  if (requests.some((request) => request.status === 'PENDING' || request.status === 'IN_PROGRESS'))
    return 'IN_PROGRESS';
  if (statuses.has('CANCELLED')) return 'CANCELLED';
  if (requests.some((request) => request.status === 'CANCELLED') && !statuses.has('COMPLETED')) return 'CANCELLED';
  if (requests.length > 0 && requests.every((request) => request.status === 'REJECTED')) return 'REJECTED';
  return 'COMPLETED';
}

export function totals(instances: readonly InstanceState[]): TenantProgress['totals'] {
  const result = {
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
    result[instance.status] += 1;
    result.deletedRecords += countsTotal(instance.deletedCounts);
  }
  return result;
}

const DETAIL_ROWS = 20;

/** A small markdown table for the Web UI's current details: the instances that need attention first. */
export function detailsTable(status: DeletionStatus, instances: readonly InstanceState[]): string {
  const sum = totals(instances);
  const order: InstanceDeletionStatus[] = ['FAILED', 'ON_HOLD', 'IN_PROGRESS', 'PENDING', 'CANCELLED', 'COMPLETED'];
  const shown = [...instances]
    .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
    .slice(0, DETAIL_ROWS)
    .map(
      (instance) =>
        `| ${instance.serviceInstanceId} | ${instance.serviceType} | ${instance.status} | ${countsTotal(instance.deletedCounts)} | ${instance.attempts} | ${(instance.lastError ?? '').replace(/\|/g, '/').slice(0, 80)} |`,
    );
  return [
    `**${status}**: ${sum.COMPLETED} of ${instances.length} instances deleted, ${sum.deletedRecords} records` +
      (sum.FAILED > 0 ? `, ${sum.FAILED} failed (signal retryFailed or cancel)` : '') +
      (sum.ON_HOLD > 0 ? `, ${sum.ON_HOLD} on legal hold` : ''),
    '',
    '| instance | type | status | records | attempts | last error |',
    '|---|---|---|---|---|---|',
    ...shown,
    ...(instances.length > DETAIL_ROWS ? [`| … ${instances.length - DETAIL_ROWS} more | | | | | |`] : []),
  ].join('\n');
}

/** The earliest due date of the requests still open, as the DeletionDueAt search attribute shows it. */
export function earliestDueAt(requests: readonly RequestState[]): string | null {
  const open = requests
    .filter((request) => request.dueAt !== null && request.status !== 'REJECTED' && request.status !== 'CANCELLED')
    .map((request) => request.dueAt!);
  return open.length === 0
    ? null
    : open.reduce((earliest, due) => (Date.parse(due) < Date.parse(earliest) ? due : earliest));
}
