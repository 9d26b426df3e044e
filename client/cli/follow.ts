import { setTimeout as sleep } from 'node:timers/promises';
import type { CliContext } from './context';
import { progressDisplay } from './progress-display';
import { readTenantSummary, type TenantSummaryView } from './tenant-summary';
import { readTenantView, type TenantView } from './tenant-view';

/** Ctrl-C while following: the deletion goes on in Temporal, only the watching stops. */
export class Interrupted extends Error {
  constructor(readonly tenantId: string) {
    super(`stopped following tenant ${tenantId}; the deletion goes on in Temporal`);
    this.name = 'Interrupted';
  }
}

/** What a follower waits for. */
export interface FollowGoal {
  /** From the light summary: true while the deletion certainly goes on (otherwise it is read in full). */
  stillRunning(summary: TenantSummaryView): boolean;
  /** From a full read: whether following ends here. */
  done(view: TenantView): boolean;
}

const POLL_MS = 1_000;

/**
 * Polls a tenant's deletion through the `summary` query, drawing progress, until a full read (the `progress` query
 * or the result) says `goal.done`. Progress goes to stdout, or to stderr when stdout carries a JSON document.
 */
export async function followTenant(
  ctx: CliContext,
  tenantId: string,
  goal: FollowGoal,
  options: { json: boolean },
): Promise<TenantView> {
  const webUi = ctx.webUi();
  const display = progressDisplay(ctx.io, options.json ? ctx.io.stderr : ctx.io.stdout);
  const interval = Number(ctx.env.TDEL_POLL_MS) > 0 ? Number(ctx.env.TDEL_POLL_MS) : POLL_MS;
  try {
    for (;;) {
      const summary = await ctx.withTemporal(tenantId, (session) => readTenantSummary(session, tenantId));
      if (goal.stillRunning(summary)) {
        display.update(summary);
      } else {
        const view = await ctx.withTemporal(tenantId, (session) => readTenantView(session, webUi, tenantId));
        display.update(view);
        if (goal.done(view)) return view;
      }
      try {
        await sleep(interval, undefined, { signal: ctx.signal });
      } catch {
        throw new Interrupted(tenantId);
      }
    }
  } finally {
    display.stop();
  }
}
