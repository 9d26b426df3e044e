import { renderControl } from '../../client/cli/control-report';
import { Output } from '../../client/cli/output';
import { unknownIds, type ControlDone } from '../../client/cli/tenant-control';
import { captureIo, instanceView, tenantView } from './deletion-fixtures';

const done = (result: Pick<ControlDone, 'instances' | 'requests'>, update = 'cancelDeletion'): ControlDone => ({
  tenantId: 't-1',
  workflowId: 'tenant-deletion:t-1',
  update,
  webUiUrl: 'http://ui',
  ...result,
});

describe('what cancel, retry and approve print', () => {
  it('a line per instance and request changed, and a note for the running ones', () => {
    const text = renderControl(
      new Output(captureIo(false)),
      done({
        instances: [
          { serviceInstanceId: 'cache-1', from: 'IN_PROGRESS', to: 'CANCEL_REQUESTED' },
          { serviceInstanceId: 'db-1', from: 'PENDING', to: 'CANCELLED' },
        ],
        requests: [{ requestId: 'r-1', from: 'IN_PROGRESS', to: 'CANCELLED' }],
      }),
      'whole tenant',
    );
    expect(text.split('\n')).toEqual([
      'cancelDeletion on tenant-deletion:t-1 (whole tenant): 2 instances, 1 request changed',
      'INSTANCE   FROM          TO',
      'cache-1    IN_PROGRESS   CANCEL_REQUESTED',
      'db-1       PENDING       CANCELLED',
      'REQUEST   FROM          TO',
      'r-1       IN_PROGRESS   CANCELLED',
      'note: cache-1 was running: cancelled at the next safe point; what was deleted stays deleted',
      'follow it with `tdel status t-1 --watch`',
    ]);
  });

  it('an approval that changed requests only prints no instance table', () => {
    const text = renderControl(
      new Output(captureIo(false)),
      done(
        { instances: [], requests: [{ requestId: 'r-1', from: 'AWAITING_APPROVAL', to: 'IN_PROGRESS' }] },
        'approveDeletion',
      ),
      'every held request, as boss-7',
    );
    expect(text).toContain(
      'approveDeletion on tenant-deletion:t-1 (every held request, as boss-7): 0 instances, 1 request changed',
    );
    expect(text).toMatch(/r-1 +AWAITING_APPROVAL +IN_PROGRESS/);
    expect(text).not.toContain('INSTANCE');
  });
});

describe('a refusal for an id the deletion does not have', () => {
  const view = tenantView('FAILED', [instanceView('a-1', 'FAILED'), instanceView('b-1', 'PENDING')]);

  it('names the unknown ids and the known ones', () => {
    expect(unknownIds(view, { instances: ['a-1', 'x-9'] })).toBe('it has no instance x-9 (it has a-1, b-1)');
    expect(unknownIds(view, { requests: ['r-7'] })).toBe('it has no request r-7 (it has r-1)');
    expect(unknownIds({ instances: [], requests: [] }, { instances: ['x-9'] })).toBe(
      'it has no instance x-9 (it has none)',
    );
  });

  it('is none when every named id is known', () => {
    expect(unknownIds(view, { instances: ['b-1'], requests: ['r-1'] })).toBeUndefined();
    expect(unknownIds(view, {})).toBeUndefined();
  });

  it('lists at most ten known ids', () => {
    const many = tenantView(
      'FAILED',
      Array.from({ length: 12 }, (_, n) => instanceView(`i-${n}`, 'FAILED')),
    );
    expect(unknownIds(many, { instances: ['x'] })).toBe(
      'it has no instance x (it has i-0, i-1, i-2, i-3, i-4, i-5, i-6, i-7, i-8, i-9, and 2 more)',
    );
  });
});
