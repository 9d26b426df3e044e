import type { TenantProgress, TenantSummary } from '@tenant-deletion/contract';
import type { CliContext } from '../../client/cli/context';
import { tenantPhase, tenantStillRunning } from '../../client/cli/deletion-phase';
import { followTenant } from '../../client/cli/follow';
import { WebUi } from '../../client/cli/web-ui';
import { captureIo, instanceState, queryTotals, requestState } from './deletion-fixtures';

/**
 * `status --watch` against a fake workflow handle: which queries it sends. The light `summary` while the deletion
 * runs, and `progress` once, when the summary says it may have stopped.
 */

const totals = (running: number, completed: number) =>
  queryTotals({ IN_PROGRESS: running, COMPLETED: completed, deletedRecords: 2 * completed });

function fakeContext(summaries: TenantSummary[], progress: TenantProgress) {
  const queries: string[] = [];
  const io = captureIo(false, { TDEL_POLL_MS: '1' });
  const handle = {
    describe: async () => ({
      runId: 'run-1',
      status: { name: 'RUNNING' },
      startTime: new Date(0),
      closeTime: undefined,
      typedSearchAttributes: { get: () => undefined },
    }),
    query: async (definition: { name: string }) => {
      queries.push(definition.name);
      return definition.name === 'summary' ? (summaries.shift() ?? progress) : progress;
    },
  };
  const session = {
    client: { workflow: { getHandle: () => handle }, withDeadline: (_: number, fn: () => unknown) => fn() },
  };
  const ctx = {
    io,
    env: io.env,
    signal: new AbortController().signal,
    webUi: () => new WebUi({}, 'default'),
    withTemporal: (_tenantId: string, fn: (s: typeof session) => Promise<unknown>) => fn(session),
  } as unknown as CliContext;
  return { ctx, queries, io };
}

describe('status --watch', () => {
  it('polls the summary while the deletion runs and reads it in full once at the end', async () => {
    const running: TenantSummary = {
      tenantId: 't-1',
      status: 'IN_PROGRESS',
      totals: totals(1, 1),
      attention: [instanceState('b-1', 'IN_PROGRESS')],
      openRequests: [requestState()],
    };
    const failedAndStill: TenantProgress = {
      tenantId: 't-1',
      status: 'FAILED',
      instances: [instanceState('a-1', 'COMPLETED'), instanceState('b-1', 'FAILED')],
      requests: [requestState()],
      totals: { ...totals(0, 1), FAILED: 1 },
    };
    const stopped: TenantSummary = { ...running, status: 'FAILED', totals: failedAndStill.totals, attention: [] };
    const { ctx, queries, io } = fakeContext([running, running, running, stopped], failedAndStill);

    const view = await followTenant(
      ctx,
      't-1',
      { stillRunning: tenantStillRunning, done: (v) => tenantPhase(v) !== 'running' },
      { json: false },
    );

    expect(queries).toEqual(['summary', 'summary', 'summary', 'summary', 'progress']);
    expect(view).toMatchObject({ source: 'progress', status: 'FAILED', totals: { instances: 2, FAILED: 1 } });
    expect(io.text()).toMatch(/b-1 {2}IN_PROGRESS\n/);
    expect(io.text()).toMatch(/b-1 {2}FAILED\n/);
    expect(io.text()).toMatch(/a-1 {2}COMPLETED\n/);
  });
});
