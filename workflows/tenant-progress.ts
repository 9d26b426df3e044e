import type {
  DeletedCounts,
  DeletionStatus,
  InstanceDeletionStatus,
  InstanceState,
  RequestState,
  Totals,
} from '@tenant-deletion/contract';

/** Pure roll-ups over the tenant workflow's state, as the `progress` and `summary` queries and the Web UI show it. */

export const TERMINAL: ReadonlySet<InstanceDeletionStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED']);

export function countsTotal(counts: DeletedCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** One status for the whole tenant, as the DeletionStatus search attribute shows it. */
export function rollUpStatus(instances: readonly InstanceState[], requests: readonly RequestState[]): DeletionStatus {
  const statuses = new Set(instances.map((instance) => instance.status));
  if (statuses.has('ON_HOLD')) return 'ON_HOLD';
  if (statuses.has('IN_PROGRESS')) return 'IN_PROGRESS';
  // A request whose registry step was refused is failed too, though none of its instances is.
  if (statuses.has('FAILED') || requests.some((request) => request.status === 'FAILED' && request.failedStep)) {
    return 'FAILED';
  }
  if (statuses.has('PENDING')) return 'IN_PROGRESS';
  if (requests.some((request) => request.status === 'AWAITING_APPROVAL')) return 'AWAITING_APPROVAL';
  if (requests.some((request) => request.status === 'PENDING' || request.status === 'IN_PROGRESS'))
    return 'IN_PROGRESS';
  if (statuses.has('CANCELLED')) return 'CANCELLED';
  if (requests.some((request) => request.status === 'CANCELLED') && !statuses.has('COMPLETED')) return 'CANCELLED';
  if (requests.length > 0 && requests.every((request) => request.status === 'REJECTED')) return 'REJECTED';
  return 'COMPLETED';
}

export function totals(instances: readonly InstanceState[]): Totals {
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

/** The last dry run's would-delete counts, per instance, for the Web UI's current details; empty without one. */
export function previewTable(requests: readonly RequestState[]): string {
  const dryRun = [...requests].reverse().find((request) => request.preview);
  if (!dryRun?.preview) return '';
  const rows = Object.entries(dryRun.preview);
  return [
    '',
    '',
    `**dry run ${dryRun.requestId}** (${dryRun.status}): would delete ${rows.reduce((sum, [, counts]) => sum + countsTotal(counts), 0)} records`,
    '',
    '| instance | would delete |',
    '|---|---|',
    ...rows.slice(0, DETAIL_ROWS).map(
      ([id, counts]) =>
        `| ${id} | ${
          Object.entries(counts)
            .map(([table, n]) => `${table} ${n}`)
            .join(', ') || '0'
        } |`,
    ),
    ...(rows.length > DETAIL_ROWS ? [`| … ${rows.length - DETAIL_ROWS} more | |`] : []),
  ].join('\n');
}
