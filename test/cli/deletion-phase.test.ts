import { SUMMARY_ATTENTION_LIMIT, type InstanceState } from '@tenant-deletion/contract';
import { requestPhase, requestStillRunning, tenantPhase, tenantStillRunning } from '../../client/cli/deletion-phase';
import { fromSummary, type TenantSummaryView } from '../../client/cli/tenant-summary';
import { viewTotals } from '../../client/cli/tenant-view';
import {
  instanceState,
  instanceView as instance,
  queryTotals,
  requestState,
  tenantView as view,
} from './deletion-fixtures';

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

    const held = view('AWAITING_APPROVAL', []);
    held.requests[0].status = 'AWAITING_APPROVAL';
    expect(requestPhase(held, 'r-1')).toEqual({ phase: 'waiting', status: 'AWAITING_APPROVAL' });

    const closedWithout = view('COMPLETED', [], { workflowStatus: 'COMPLETED', requests: [] });
    expect(requestPhase(closedWithout, 'r-1')).toEqual({ phase: 'ended', status: null });
  });

  it("another request's failure does not stop this one", () => {
    const mixed = view('FAILED', [instance('a-1', 'FAILED', ['r-0']), instance('b-1', 'PENDING', ['r-1'])]);
    expect(requestPhase(mixed, 'r-1').phase).toBe('running');
  });
});

/** A summary of a running tenant: these instances need attention, `others` are pending or settled. */
function summary(
  attention: InstanceState[],
  extra: { status?: TenantSummaryView['status']; requests?: ReturnType<typeof requestState>[]; others?: number } = {},
): TenantSummaryView {
  const totals = queryTotals({ PENDING: extra.others ?? 0 });
  for (const instance of attention) totals[instance.status] += 1;
  const parts = fromSummary({
    tenantId: 't-1',
    status: extra.status ?? 'IN_PROGRESS',
    totals,
    attention,
    openRequests: extra.requests ?? [requestState()],
  });
  return { tenantId: 't-1', workflowStatus: 'RUNNING', note: null, ...parts };
}

describe('following a deletion by its summary', () => {
  it('maps the summary: totals with the number of instances, attention instances, open requests', () => {
    const light = summary([instanceState('a-1', 'FAILED'), instanceState('b-1', 'IN_PROGRESS')], { others: 3 });
    expect(light.totals).toMatchObject({ instances: 5, FAILED: 1, IN_PROGRESS: 1, PENDING: 3 });
    expect(light.instances.map((i) => [i.serviceInstanceId, i.status])).toEqual([
      ['a-1', 'FAILED'],
      ['b-1', 'IN_PROGRESS'],
    ]);
    expect(light.attentionComplete).toBe(true);
    expect(light.openRequests).toEqual([{ requestId: 'r-1', status: 'IN_PROGRESS', instances: ['a-1', 'b-1'] }]);
    expect(summary([], { status: 'COMPLETED', requests: [] }).status).toBe('PENDING');
  });

  it('the tenant still runs while something moves; failed and still, or ended, is read in full', () => {
    expect(tenantStillRunning(summary([instanceState('a-1', 'IN_PROGRESS')]))).toBe(true);
    expect(tenantStillRunning(summary([instanceState('a-1', 'FAILED')], { status: 'FAILED', others: 1 }))).toBe(false);
    expect(tenantStillRunning({ ...summary([]), workflowStatus: 'COMPLETED' })).toBe(false);
  });

  it('a request still runs while one of its instances moves', () => {
    const moving = summary([instanceState('a-1', 'FAILED'), instanceState('b-1', 'IN_PROGRESS')], { status: 'FAILED' });
    expect(requestStillRunning(moving, 'r-1')).toBe(true);
    const stuck = summary([instanceState('a-1', 'FAILED')], { status: 'FAILED', others: 1 });
    expect(requestStillRunning(stuck, 'r-1')).toBe(false);
    const elsewhere = summary([instanceState('c-1', 'FAILED')], { status: 'FAILED', others: 2 });
    expect(requestStillRunning(elsewhere, 'r-1')).toBe(true);
  });

  it('a settled, held or not yet accepted request is read in full, and so is one the summary may have cut', () => {
    expect(requestStillRunning(summary([], { requests: [] }), 'r-1')).toBe(false);
    expect(requestStillRunning(summary([], { requests: [requestState({ status: 'AWAITING_APPROVAL' })] }), 'r-1')).toBe(
      false,
    );
    const failed = Array.from({ length: SUMMARY_ATTENTION_LIMIT }, (_, n) => instanceState(`f-${n}`, 'FAILED'));
    const cut = summary(failed, { status: 'FAILED', others: 2 });
    expect(cut.attentionComplete).toBe(false);
    expect(requestStillRunning(cut, 'r-1')).toBe(false);
  });

  it('without a worker to answer, a full read would know no more: it goes on polling', () => {
    expect(requestStillRunning({ ...summary([], { requests: [] }), note: 'no answer' }, 'r-1')).toBe(true);
  });
});
