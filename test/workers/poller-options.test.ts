import { parseWorkerConfig } from '../../common/worker-config';
import { pollerOptions } from '../../workers/worker-pool';

describe('worker poller options', () => {
  it('autoscale when asked, from the fewest polls up to the slots', () => {
    const config = parseWorkerConfig({ groups: { all: { orchestration: true } }, pollers: 'autoscaling' });
    expect(pollerOptions(config, 20, 4)).toEqual({
      // A workflow worker keeps a poll on its sticky queue and one on the normal queue.
      workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 2, maximum: 20 },
      activityTaskPollerBehavior: { type: 'autoscaling', minimum: 1, initial: 1, maximum: 4 },
    });
  });

  it('poll no workflow tasks on an activity-only worker; one slot: one activity poll, still two workflow polls (sticky and normal)', () => {
    const config = parseWorkerConfig({ groups: { all: { orchestration: true } }, pollers: 'autoscaling' });
    expect(pollerOptions(config, undefined, 1)).toEqual({
      activityTaskPollerBehavior: { type: 'autoscaling', minimum: 1, initial: 1, maximum: 1 },
    });
    expect(pollerOptions(config, 1, 1).workflowTaskPollerBehavior).toEqual({
      type: 'autoscaling',
      minimum: 2,
      initial: 2,
      maximum: 2,
    });
  });

  it("leave the SDK's fixed pollers by default", () => {
    const config = parseWorkerConfig({ groups: { all: { orchestration: true } } });
    expect(config.pollers).toBe('fixed');
    expect(pollerOptions(config, 20, 20)).toEqual({});
  });

  it('refuse an unknown poller mode', () => {
    expect(() => parseWorkerConfig({ groups: { all: {} }, pollers: 'many' })).toThrow(/pollers/);
  });
});
