import type { Worker } from '@temporalio/worker';

/**
 * How a worker process ends: on SIGTERM or SIGINT it drains. Every worker stops polling at once; its running
 * activities get the worker config's shutdownGraceSeconds to finish (worker-pool.ts passes it as Temporal's
 * shutdownGraceTime), and those still running then are cancelled and retried on another worker. The process starts
 * the runtime with the SDK's own signal handling off, so this is the one place that reacts to the signals and says so.
 */

export const DRAIN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Runs the workers until a signal has drained them (or one fails); resolves once every worker has stopped. */
export async function runUntilDrained(
  workers: Worker[],
  graceSeconds: number,
  log: (line: string) => void,
): Promise<void> {
  let drainStartedAt: number | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const running = () => workers.reduce((sum, worker) => sum + worker.getStatus().numInFlightActivities, 0);
  const onSignal = (signal: NodeJS.Signals) => {
    if (drainStartedAt !== undefined) {
      const left = Math.max(0, graceSeconds - (Date.now() - drainStartedAt) / 1000);
      log(`${signal} while draining: still waiting for ${running()} running activities, at most ${Math.ceil(left)} s`);
      return;
    }
    drainStartedAt = Date.now();
    log(
      `${signal}: draining: the workers stopped polling; ${running()} running activities get up to ${graceSeconds} s to finish`,
    );
    for (const worker of workers) worker.shutdown();
    graceTimer = setTimeout(() => {
      const left = running();
      if (left > 0) log(`drain: grace time over, cancelling ${left} activities still running (retried elsewhere)`);
    }, graceSeconds * 1000).unref();
  };
  for (const signal of DRAIN_SIGNALS) process.on(signal, onSignal);
  try {
    await Promise.all(workers.map((worker) => worker.run()));
  } finally {
    for (const signal of DRAIN_SIGNALS) process.off(signal, onSignal);
    clearTimeout(graceTimer);
  }
  if (drainStartedAt !== undefined) {
    log(`drained in ${((Date.now() - drainStartedAt) / 1000).toFixed(1)} s: every worker stopped`);
  }
}
