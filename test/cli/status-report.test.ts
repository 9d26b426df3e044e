import { Output } from '../../client/cli/output';
import { dryRunLines, nextSteps, renderTenantView } from '../../client/cli/status-report';
import { captureIo, instanceView, tenantView } from './deletion-fixtures';

const out = () => new Output(captureIo(false));

describe('tdel status as text', () => {
  it("shows a dry run's would-delete counts per instance and table", () => {
    const view = tenantView('COMPLETED', [instanceView('a-1', 'COMPLETED')]);
    view.requests[0] = {
      ...view.requests[0],
      status: 'COMPLETED',
      dryRun: true,
      preview: { 'a-1': { rows: 7, files: 1_200 }, 'b-1': {}, 'c-1': { total: 3 } },
    };
    const text = renderTenantView(out(), view);
    expect(text).toContain('dry run r-1 (COMPLETED): would delete 1,210 records in 3 instances');
    expect(text).toContain('  a-1: rows=7, files=1,200');
    expect(text).toContain('  b-1: nothing');
    expect(text).toContain('  c-1: total=3');
  });

  it('says when a running dry run has no counts yet; shows nothing for other requests', () => {
    const view = tenantView('IN_PROGRESS', []);
    expect(dryRunLines(out(), { ...view.requests[0], dryRun: true })).toEqual([
      'dry run r-1 (IN_PROGRESS): no counts yet',
    ]);
    expect(renderTenantView(out(), view)).not.toContain('dry run');
  });

  it('tells how to approve a held deletion', () => {
    expect(nextSteps(tenantView('AWAITING_APPROVAL', []))).toEqual([
      'the deletion waits for approval: `tdel approve t-1`, by someone other than its requester',
    ]);
  });
});
