import { runChaos } from './chaos-run';

/** The small chaos run inside `npm test`: a few tenants, each fault once. */
describe('deletions under faults', () => {
  it('loses nothing, doubles nothing and deletes only what it should', async () => {
    const summary = await runChaos({
      tenants: 4,
      recordsPerTenant: 200,
      neighbours: 1,
      schedule: {
        killWorker: 1_000,
        killBridge: 4_000,
        restartTemporal: 8_000,
        restartKafka: 16_000,
        liftHold: 26_000,
      },
      timeLimitMs: 8 * 60_000,
      log: () => undefined,
    });
    expect(summary).toMatchObject({
      tenants: 4,
      terminal: 4,
      rowsLeftInDeletedTenants: 0,
      neighbourRowsChanged: 0,
      doubleFinalizations: 0,
      lostRequests: 0,
      ok: true,
    });
    expect(summary.faults).toHaveLength(7);
  }, 600_000);
});
