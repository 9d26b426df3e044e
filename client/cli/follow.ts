import { setTimeout as sleep } from 'node:timers/promises';
import type { CliContext } from './context';
import { progressDisplay } from './progress-display';
import { readTenantView, type TenantView } from './tenant-view';

/** Ctrl-C while following: the deletion goes on in Temporal, only the watching stops. */
export class Interrupted extends Error {
  constructor(readonly tenantId: string) {
    super(`stopped following tenant ${tenantId}; the deletion goes on in Temporal`);
    this.name = 'Interrupted';
  }
}

const POLL_MS = 1_000;

/**
 * Polls a tenant's deletion, drawing progress, until `done` says it has ended (or waits for an admin).
 * Progress goes to stdout, or to stderr when stdout carries a JSON document.
 */
export async function followTenant(
  ctx: CliContext,
  tenantId: string,
  done: (view: TenantView) => boolean,
  options: { json: boolean },
): Promise<TenantView> {
  const webUi = ctx.webUi();
  const display = progressDisplay(ctx.io, options.json ? ctx.io.stderr : ctx.io.stdout);
  const interval = Number(ctx.env.TDEL_POLL_MS) > 0 ? Number(ctx.env.TDEL_POLL_MS) : POLL_MS;
  try {
    for (;;) {
      const view = await ctx.withTemporal(tenantId, (session) => readTenantView(session, webUi, tenantId));
      display.update(view);
      if (done(view)) return view;
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
