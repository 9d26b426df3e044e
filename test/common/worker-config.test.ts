import path from 'node:path';
import { parseWorkerConfig, readWorkerConfig, settingsFor, WorkerConfigError } from '../../common/worker-config';
import { queuesOf, shutdownOptions, UnknownGroupError } from '../../workers/worker-pool';

const shipped = readWorkerConfig(path.resolve(__dirname, '../../workers/worker-config.json'));

describe('worker config', () => {
  it('parses the shipped file, with per-type overrides over the defaults', () => {
    expect(settingsFor(shipped, 'training')).toMatchObject({ maxConcurrentActivities: 4, deleteTimeoutSeconds: 3600 });
    expect(settingsFor(shipped, 'orders')).toEqual(shipped.defaults);
    expect(settingsFor(shipped, 'training').retry).toEqual(shipped.defaults.retry);
  });

  it('runs every group without --group, and only the chosen ones with it', () => {
    expect(queuesOf(shipped, [])).toMatchObject({ orchestration: true });
    expect(queuesOf(shipped, []).serviceTypes).toContain('training');
    expect(queuesOf(shipped, ['slow'])).toEqual({ orchestration: false, serviceTypes: ['training'] });
    expect(() => queuesOf(shipped, ['nope'])).toThrow(UnknownGroupError);
  });

  it('names every invalid field', () => {
    expect(() =>
      parseWorkerConfig({
        orchestration: { maxChildrenInFlight: 5000 },
        serviceTypes: { Bad_Type: {} },
        groups: {},
      }),
    ).toThrow(WorkerConfigError);
    try {
      parseWorkerConfig({ orchestration: { maxChildrenInFlight: 5000 }, groups: {} });
    } catch (error) {
      expect((error as Error).message).toContain('orchestration.maxChildrenInFlight');
      expect((error as Error).message).toContain('groups: at least one group is needed');
    }
  });

  it('drains for shutdownGraceSeconds (60 by default) before cancelling, and gives up 30 s after that', () => {
    expect(shipped.shutdownGraceSeconds).toBe(60);
    expect(shutdownOptions(shipped)).toEqual({ shutdownGraceTime: 60_000, shutdownForceTime: 90_000 });
    const immediate = parseWorkerConfig({ groups: { all: {} }, shutdownGraceSeconds: 0 });
    expect(shutdownOptions(immediate)).toEqual({ shutdownGraceTime: 0, shutdownForceTime: 30_000 });
    expect(() => parseWorkerConfig({ groups: { all: {} }, shutdownGraceSeconds: -1 })).toThrow(/shutdownGraceSeconds/);
  });

  it('reports an unreadable file with its path', () => {
    expect(() => readWorkerConfig('/nonexistent/worker-config.json')).toThrow(/\/nonexistent\/worker-config.json/);
  });
});
