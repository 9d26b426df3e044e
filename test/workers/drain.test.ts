import type { Worker } from '@temporalio/worker';
import { runUntilDrained } from '../../workers/drain';

/** The worker process's signal handling with stand-in workers: SIGTERM shuts every worker down once, and says so. */

function fakeWorker(inFlightActivities: number) {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const worker = {
    shutdowns: 0,
    getStatus: () => ({ numInFlightActivities: inFlightActivities }),
    shutdown() {
      worker.shutdowns += 1;
      stop();
    },
    run: () => stopped,
  };
  return worker;
}

describe('runUntilDrained', () => {
  it('drains every worker on SIGTERM, logs the start and the end, and stops listening afterwards', async () => {
    const workers = [fakeWorker(2), fakeWorker(1)];
    const lines: string[] = [];
    const listenersBefore = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const drained = runUntilDrained(workers as unknown as Worker[], 60, (line) => lines.push(line));
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore.term + 1);

    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    await drained;

    expect(workers.map((w) => w.shutdowns)).toEqual([1, 1]);
    expect(lines[0]).toBe(
      'SIGTERM: draining: the workers stopped polling; 3 running activities get up to 60 s to finish',
    );
    expect(lines[1]).toMatch(/^SIGINT while draining: still waiting for 3 running activities, at most 60 s$/);
    expect(lines[2]).toMatch(/^drained in \d+\.\d s: every worker stopped$/);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore.term);
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore.int);
  });

  it('logs nothing when the workers stop without a signal', async () => {
    const worker = fakeWorker(0);
    const lines: string[] = [];
    const drained = runUntilDrained([worker as unknown as Worker], 60, (line) => lines.push(line));
    worker.shutdown();
    await drained;
    expect(lines).toEqual([]);
  });
});
