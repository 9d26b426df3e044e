import {
  requestPhase,
  tenantPhase,
  viewTotals,
  type InstanceView,
  type TenantView,
} from '../../client/cli/tenant-view';

function instance(id: string, status: InstanceView['status'], requestIds = ['r-1']): InstanceView {
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

function view(status: TenantView['status'], instances: InstanceView[], extra: Partial<TenantView> = {}): TenantView {
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

describe('following a deletion', () => {
  it('counts instances by status and records deleted', () => {
    expect(viewTotals([instance('a-1', 'COMPLETED'), instance('b-1', 'FAILED'), instance('c-1', 'COMPLETED')])).toEqual(
      expect.objectContaining({ instances: 3, COMPLETED: 2, FAILED: 1, PENDING: 0, deletedRecords: 4 }),
    );
  });

  it('a tenant runs while anything moves, waits for an admin when failed and still, ends when closed', () => {
    expect(tenantPhase(view('IN_PROGRESS', [instance('a-1', 'IN_PROGRESS')]))).toBe('running');
    expect(tenantPhase(view('ON_HOLD', [instance('a-1', 'ON_HOLD'), instance('b-1', 'FAILED')]))).toBe('running');
    expect(tenantPhase(view('FAILED', [instance('a-1', 'FAILED'), instance('b-1', 'PENDING')]))).toBe('waiting');
    expect(tenantPhase(view('COMPLETED', [instance('a-1', 'COMPLETED')]))).toBe('running');
    expect(tenantPhase(view('COMPLETED', [], { workflowStatus: 'COMPLETED' }))).toBe('ended');
    expect(tenantPhase(view(null, [], { workflowStatus: 'TERMINATED' }))).toBe('ended');
  });

  it('a request ends with its status, waits when its failed instances block the rest, runs until accepted', () => {
    const accepted = view('IN_PROGRESS', [instance('a-1', 'COMPLETED'), instance('b-1', 'IN_PROGRESS')]);
    expect(requestPhase(accepted, 'r-1')).toEqual({ phase: 'running', status: 'IN_PROGRESS' });
    expect(requestPhase(accepted, 'r-2')).toEqual({ phase: 'running', status: null });

    const blocked = view('FAILED', [instance('a-1', 'FAILED'), instance('b-1', 'PENDING')]);
    expect(requestPhase(blocked, 'r-1')).toEqual({ phase: 'waiting', status: 'FAILED' });

    const done = view('COMPLETED', [instance('a-1', 'COMPLETED')]);
    done.requests[0].status = 'COMPLETED';
    expect(requestPhase(done, 'r-1')).toEqual({ phase: 'ended', status: 'COMPLETED' });

    const closedWithout = view('COMPLETED', [], { workflowStatus: 'COMPLETED', requests: [] });
    expect(requestPhase(closedWithout, 'r-1')).toEqual({ phase: 'ended', status: null });
  });

  it("another request's failure does not stop this one", () => {
    const mixed = view('FAILED', [instance('a-1', 'FAILED', ['r-0']), instance('b-1', 'PENDING', ['r-1'])]);
    expect(requestPhase(mixed, 'r-1').phase).toBe('running');
  });
});
