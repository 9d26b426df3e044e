import { fromProgress, fromResult } from '../../client/cli/tenant-view';
import { instanceState, queryTotals, requestState } from './deletion-fixtures';

describe('a deletion read in full', () => {
  it('maps the progress query: records per instance, times as ISO, a dry run with its would-delete counts', () => {
    const parts = fromProgress({
      tenantId: 't-1',
      status: 'IN_PROGRESS',
      instances: [
        instanceState('a-1', 'COMPLETED', { deletedCounts: { rows: 2, files: 3 } }),
        instanceState('b-1', 'PENDING'),
      ],
      requests: [requestState({ dryRun: true, preview: { 'a-1': { rows: 7 }, 'b-1': { total: 9 } } })],
      totals: queryTotals({ PENDING: 1, COMPLETED: 1, deletedRecords: 5 }),
    });
    expect(parts.status).toBe('IN_PROGRESS');
    expect(parts.instances[0]).toMatchObject({
      serviceInstanceId: 'a-1',
      serviceType: 'a',
      deletedRecords: 5,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
    });
    expect(parts.requests).toEqual([
      {
        requestId: 'r-1',
        status: 'IN_PROGRESS',
        dryRun: true,
        reason: null,
        requestedBy: 'admin-1',
        traceId: 'trace-1',
        gdprMode: false,
        wholeTenant: true,
        preview: { 'a-1': { rows: 7 }, 'b-1': { total: 9 } },
      },
    ]);
    expect(fromProgress({ ...emptyProgress(), requests: [requestState()] }).requests[0].preview).toBeNull();
  });

  it('says PENDING before the workflow accepted its first request', () => {
    expect(fromProgress({ ...emptyProgress(), status: 'COMPLETED' }).status).toBe('PENDING');
  });

  it("maps a completed workflow's result, a dry run's preview included", () => {
    const parts = fromResult({
      tenantId: 't-1',
      status: 'COMPLETED',
      instances: [
        {
          serviceInstanceId: 'a-1',
          serviceType: 'a',
          status: 'COMPLETED',
          deletedCounts: {},
          attempts: 0,
          failureReason: null,
        },
      ],
      requests: [
        { requestId: 'r-1', status: 'COMPLETED', dryRun: true, reason: null, preview: { 'a-1': { rows: 7 } } },
        { requestId: 'r-2', status: 'COMPLETED', dryRun: false, reason: null },
      ],
    });
    expect(parts.requests.map((request) => request.preview)).toEqual([{ 'a-1': { rows: 7 } }, null]);
    expect(parts.requests[0]).toMatchObject({ requestedBy: null, traceId: null, gdprMode: null, wholeTenant: null });
    expect(parts.instances[0]).toMatchObject({ lastError: null, requestIds: [], deletedRecords: 0 });
    expect(parts.note).toBeNull();
  });

  it('says so when the result has an unknown shape', () => {
    expect(fromResult({ status: 'DONE' })).toMatchObject({ status: null, instances: [], note: expect.any(String) });
  });
});

function emptyProgress() {
  return {
    tenantId: 't-1',
    status: 'IN_PROGRESS' as const,
    instances: [],
    requests: [],
    totals: queryTotals(),
  };
}
