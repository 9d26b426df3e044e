import { Readable } from 'node:stream';
import type { InstanceState, RequestState, Totals } from '@tenant-deletion/contract';
import type { CliIo } from '../../client/cli/output';
import { viewTotals, type InstanceView, type TenantView } from '../../client/cli/tenant-view';

/** Deletions as the workflow's queries and the CLI's views show them, for unit tests that need no Temporal. */

/** The totals of the queries: every status at 0 but those given. */
export function queryTotals(counts: Partial<Totals> = {}): Totals {
  const { instances, ...zero } = viewTotals([]);
  return { ...zero, ...counts };
}

export function instanceState(id: string, status: InstanceState['status'], extra: Partial<InstanceState> = {}) {
  return {
    serviceInstanceId: id,
    serviceType: id.split('-')[0],
    status,
    deletedCounts: status === 'COMPLETED' ? { rows: 2 } : {},
    attempts: 1,
    lastError: null,
    requestIds: ['r-1'],
    run: 1,
    startedAt: status === 'PENDING' ? null : Date.UTC(2026, 0, 1),
    finishedAt: null,
    ...extra,
  } satisfies InstanceState;
}

export function requestState(extra: Partial<RequestState> = {}) {
  return {
    requestId: 'r-1',
    traceId: 'trace-1',
    requestedBy: 'admin-1',
    gdprMode: false,
    dryRun: false,
    wholeTenant: true,
    status: 'IN_PROGRESS',
    approvedBy: null,
    reason: null,
    statedReason: null,
    dueAt: null,
    instances: ['a-1', 'b-1'],
    ...extra,
  } satisfies RequestState;
}

export function instanceView(id: string, status: InstanceView['status'], requestIds = ['r-1']): InstanceView {
  return {
    serviceInstanceId: id,
    serviceType: id.split('-')[0],
    status,
    deletedCounts: status === 'COMPLETED' ? { rows: 2 } : {},
    deletedRecords: status === 'COMPLETED' ? 2 : 0,
    attempts: 1,
    lastError: null,
    requestIds,
    startedAt: null,
    finishedAt: null,
  };
}

export function tenantView(
  status: TenantView['status'],
  instances: InstanceView[],
  extra: Partial<TenantView> = {},
): TenantView {
  return {
    tenantId: 't-1',
    workflowId: 'tenant-deletion:t-1',
    runId: 'run',
    workflowStatus: 'RUNNING',
    status,
    source: 'progress',
    startTime: '2026-01-01T00:00:00Z',
    closeTime: null,
    instances,
    requests: [
      {
        requestId: 'r-1',
        status: 'IN_PROGRESS',
        dryRun: false,
        reason: null,
        requestedBy: 'a',
        traceId: 't',
        gdprMode: false,
        wholeTenant: true,
        preview: null,
      },
    ],
    totals: viewTotals(instances),
    certificateId: null,
    dueAt: null,
    deadline: null,
    webUiUrl: 'http://ui',
    note: null,
    ...extra,
  };
}

/** Streams that keep what was written: a terminal when `tty`, a pipe otherwise. */
export function captureIo(tty: boolean, env: NodeJS.ProcessEnv = {}): CliIo & { text: () => string } {
  let text = '';
  const stream = { isTTY: tty, columns: 100, write: (chunk: string) => ((text += chunk), true) };
  return { stdout: stream, stderr: stream, stdin: Readable.from([]), env, text: () => text };
}
