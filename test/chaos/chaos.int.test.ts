import { runChaos } from './chaos-run';

/** The small chaos run inside `npm test`: a few tenants, each fault once, each fault's effect checked. */
describe('deletions under faults', () => {
  it('loses, doubles and over-deletes nothing, and every fault landed: hold kept rows, Retry-After waited out, worker and bridge killed mid-work, a consumer-group reset replays the run’s requests and deletes nothing twice', async () => {
    const summary = await runChaos({
      tenants: 4,
      recordsPerTenant: 200,
      neighbours: 1,
      schedule: {
        killWorker: 1_000,
        killBridge: 4_000,
        restartTemporal: 8_000,
        restartKafka: 16_000,
        resetGroup: 20_000,
        liftHold: 26_000,
      },
      timeLimitMs: 8 * 60_000,
      log: () => undefined,
    });
    expect(summary.failures).toEqual([]);
    expect(summary).toMatchObject({
      tenants: 4,
      terminal: 4,
      rowsLeftInDeletedTenants: 0,
      neighbourRowsChanged: 0,
      doubleFinalizations: 0,
      lostRequests: 0,
      ok: true,
    });
    expect(summary.seededRows).toBeGreaterThan(0);

    // Neighbours, counted by SQL in every table of every instance database, before and after.
    expect(summary.neighbourRows.before).toBeGreaterThan(0);
    expect(summary.neighbourRows.after).toBe(summary.neighbourRows.before);

    // The held tenant showed ON_HOLD, kept the held instance's rows until the lift, and lost them after it.
    const hold = summary.legalHold;
    expect(hold.seenOnHoldVia.length).toBeGreaterThan(0);
    expect(hold.seenOnHoldAfterMs!).toBeLessThan(hold.liftedAfterMs!);
    expect(hold.rowsSeeded).toBeGreaterThan(0);
    expect(hold.rowsAtLift).toBe(hold.rowsSeeded);
    expect(hold.deletedAfterLiftMs!).toBeGreaterThanOrEqual(0);
    expect(hold.rowsAfterRun).toBe(0);

    // Retries after a 503 with Retry-After started no sooner than the delay, and some would have come sooner without it.
    expect(summary.retryAfter.telling).toBeGreaterThan(0);
    expect(summary.retryAfter.shortestTellingGapMs!).toBeGreaterThanOrEqual(summary.retryAfter.statedDelayMs);
    expect(summary.retryAfter.violations).toBe(0);

    // The worker died with deletion attempts running on it; later attempts finished them.
    expect(summary.workerKill.finishedByLaterAttempt).toBeGreaterThan(0);

    // The bridge died with requests handed over and others still in the topic, which its successor handed over.
    expect(summary.bridgeKill.handedOverBeforeKill).toBeGreaterThan(0);
    expect(summary.bridgeKill.inTopicAtKill).toBeGreaterThan(0);
    expect(summary.bridgeKill.handedOverByRestarted).toBe(summary.bridgeKill.inTopicAtKill);

    // The bridge's group was rewound to the run's first request: every request was read again, none deleted twice.
    expect(summary.groupReset.replayedMessages).toBeGreaterThanOrEqual(4);
    expect(summary.groupReset.caughtUp).toBe(true);
    expect(summary.groupReset.doubleDeletions).toBe(0);

    // TENANT_EMPTY may be redelivered (same event id), but every tenant was finalized exactly once.
    expect(summary.finalization.tenantEmptyMessages).toBe(4 + summary.duplicateTenantEmpty);
    expect(summary.finalization.finalizedOnce).toBe(4);
  }, 600_000);
});
