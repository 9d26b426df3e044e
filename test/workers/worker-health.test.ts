import type { State } from '@temporalio/worker';
import { liveness, readiness, workersPolling, type ProbedWorker } from '../../workers/worker-health';

/** The readiness rules on Workers in each state; the real process is in worker-health.int.test.ts. */

type Poller = 'POLLING' | 'SHUTDOWN' | 'FAILED';

function worker(taskQueue: string, state: State, pollers: { workflow?: Poller; activity?: Poller } = {}): ProbedWorker {
  return {
    options: { taskQueue },
    getState: () => state,
    getStatus: () =>
      ({
        workflowPollerState: pollers.workflow ?? 'POLLING',
        activityPollerState: pollers.activity ?? 'POLLING',
      }) as ReturnType<ProbedWorker['getStatus']>,
  };
}

const reachable = {
  workflowService: { getSystemInfo: async () => ({}) },
  withDeadline: <R>(_: number, fn: () => Promise<R>) => fn(),
};
const unreachable = {
  workflowService: {
    getSystemInfo: async () => {
      throw new Error('14 UNAVAILABLE: connection refused');
    },
  },
  withDeadline: <R>(_: number, fn: () => Promise<R>) => fn(),
};

describe('worker readiness', () => {
  it('is not ready while starting, nor before it is connected', async () => {
    expect(workersPolling(undefined)).toEqual({ ok: false, detail: 'starting: the workers are not created yet' });
    const workers = [worker('tenant-deletion', 'RUNNING')];
    expect(await readiness({ workers: () => workers, connection: () => undefined })).toMatchObject({ ok: false });
    expect(workersPolling([worker('tenant-deletion', 'INITIALIZED')])).toEqual({
      ok: false,
      detail: 'the worker of tenant-deletion is INITIALIZED',
    });
  });

  it('is ready when every worker runs and Temporal answers; a preview worker polls no workflows', async () => {
    const workers = [
      worker('tenant-deletion', 'RUNNING'),
      worker('service-preview.orders', 'RUNNING', { workflow: 'SHUTDOWN' }),
    ];
    expect(await readiness({ workers: () => workers, connection: () => reachable })).toEqual({
      ok: true,
      detail: '2 workers polling; Temporal reachable',
    });
  });

  it('is not ready while draining, when a poller failed, or when Temporal does not answer', async () => {
    expect(
      workersPolling([worker('tenant-deletion', 'RUNNING'), worker('service-deletion.orders', 'STOPPING')]),
    ).toEqual({
      ok: false,
      detail: 'draining: the worker of service-deletion.orders is STOPPING',
    });
    expect(workersPolling([worker('tenant-deletion', 'RUNNING', { activity: 'FAILED' })]).detail).toBe(
      'the worker of tenant-deletion: activity poller failed',
    );
    const workers = [worker('tenant-deletion', 'RUNNING')];
    expect(await readiness({ workers: () => workers, connection: () => unreachable })).toEqual({
      ok: false,
      detail: 'Temporal unreachable: 14 UNAVAILABLE: connection refused',
    });
  });

  it('stays live while draining and dies only with a failed worker', () => {
    expect(liveness(undefined).ok).toBe(true);
    expect(liveness([worker('tenant-deletion', 'DRAINING')]).ok).toBe(true);
    expect(liveness([worker('tenant-deletion', 'RUNNING'), worker('service-deletion.pos', 'FAILED')])).toEqual({
      ok: false,
      detail: 'worker of service-deletion.pos failed',
    });
  });
});
