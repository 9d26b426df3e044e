import { detailsTable, earliestDueAt, rollUpStatus, totals } from '../../workflows/tenant-progress';
import type { InstanceState, RequestState } from '@tenant-deletion/contract';

function instance(id: string, status: InstanceState['status'], rows = 0): InstanceState {
  return {
    serviceInstanceId: id,
    serviceType: 'orders',
    status,
    deletedCounts: rows ? { orders: rows } : {},
    attempts: 1,
    lastError: status === 'FAILED' ? 'orders answered DELETE with 422 | bad' : null,
    requestIds: ['r-1'],
    run: 1,
    startedAt: null,
    finishedAt: null,
  };
}

const request = (status: RequestState['status'], dueAt: string | null = null): RequestState => ({
  requestId: 'r-1',
  traceId: 't',
  requestedBy: 'a',
  gdprMode: false,
  dryRun: false,
  wholeTenant: true,
  status,
  reason: null,
  statedReason: null,
  approvedBy: null,
  dueAt,
  instances: [],
});

describe('rollUpStatus', () => {
  it.each([
    [['COMPLETED', 'ON_HOLD', 'FAILED'], 'ON_HOLD'],
    [['COMPLETED', 'IN_PROGRESS', 'FAILED'], 'IN_PROGRESS'],
    [['COMPLETED', 'FAILED', 'PENDING'], 'FAILED'],
    [['COMPLETED', 'PENDING'], 'IN_PROGRESS'],
    [['COMPLETED', 'CANCELLED'], 'CANCELLED'],
    [['COMPLETED', 'COMPLETED'], 'COMPLETED'],
  ] as const)('%j rolls up to %s', (statuses, expected) => {
    expect(
      rollUpStatus(
        statuses.map((s, i) => instance(`i-${i}`, s)),
        [request('COMPLETED')],
      ),
    ).toBe(expected);
  });

  it('is REJECTED when every request was rejected and nothing ran', () => {
    expect(rollUpStatus([], [request('REJECTED')])).toBe('REJECTED');
  });
});

describe('progress summaries', () => {
  it('totals statuses and deleted records', () => {
    expect(
      totals([instance('a', 'COMPLETED', 5), instance('b', 'COMPLETED', 7), instance('c', 'FAILED')]),
    ).toMatchObject({
      COMPLETED: 2,
      FAILED: 1,
      deletedRecords: 12,
    });
  });

  it('puts failures first in the details table and keeps the table intact', () => {
    const table = detailsTable('FAILED', [instance('a', 'COMPLETED', 5), instance('b', 'FAILED')]);
    const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| instance'));
    expect(rows[0]).toMatch(/^\| b \| orders \| FAILED \| 0 \| 1 \| orders answered DELETE with 422 \/ bad \|$/);
    expect(table).toContain('1 failed (signal retryFailed or cancel)');
  });

  it('caps the details table for large tenants', () => {
    const many = Array.from({ length: 45 }, (_, i) => instance(`i-${i}`, 'PENDING'));
    expect(detailsTable('IN_PROGRESS', many)).toContain('… 25 more');
  });
});

describe('earliestDueAt', () => {
  it('is the earliest due date of the open GDPR requests', () => {
    const requests = [
      { ...request('IN_PROGRESS', '2026-12-20T10:00:00.000Z'), requestId: 'r-1' },
      { ...request('PENDING', '2026-12-05T10:00:00.000Z'), requestId: 'r-2' },
      { ...request('COMPLETED'), requestId: 'r-3' },
    ];
    expect(earliestDueAt(requests)).toBe('2026-12-05T10:00:00.000Z');
  });

  it('ignores refused and cancelled requests, and is null without a GDPR request', () => {
    expect(earliestDueAt([request('REJECTED', '2026-12-01T00:00:00.000Z'), request('IN_PROGRESS')])).toBeNull();
    expect(earliestDueAt([request('CANCELLED', '2026-12-01T00:00:00.000Z')])).toBeNull();
  });
});
