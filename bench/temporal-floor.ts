import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { connectTemporalClient } from '../common/temporal-connection';
import type { BenchContext } from './scenarios';

/**
 * The Temporal server's own ceiling for what the bridge asks of it: signal-with-start of new workflows with a
 * request-sized payload through the same client (codec and all), as many at once as the bridge's hand-overs, and no
 * worker polling their queue, so nothing else competes. The bridge cannot hand over faster than this.
 */
export async function signalWithStartFloor(ctx: BenchContext, count: number, concurrency = 32) {
  const client = await connectTemporalClient(ctx.temporal);
  const taskQueue = `bench-floor-${ctx.run}`;
  // About the size of a deletion request as the bridge hands it over.
  const payload = { note: 'x'.repeat(600), traceId: randomUUID() };
  const ids = Array.from({ length: count }, (_, i) => `bench-floor-${ctx.run}-${i}`);
  const limit = pLimit(concurrency);
  try {
    const started = Date.now();
    await Promise.all(
      ids.map((workflowId) =>
        limit(() =>
          client.workflow.signalWithStart('BenchFloorWorkflow', {
            workflowId,
            taskQueue,
            args: [payload],
            signal: 'requestDeletion',
            signalArgs: [payload],
          }),
        ),
      ),
    );
    const perSecond = Math.round((count / (Date.now() - started)) * 1000);
    // Nothing polls their queue: they would wait there for ever.
    await Promise.all(ids.map((id) => limit(() => client.workflow.getHandle(id).terminate('bench floor done'))));
    return { signalWithStartPerSecond: perSecond };
  } finally {
    await client.connection.close();
  }
}
