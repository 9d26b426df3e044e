import { freePort, startWorker, uniqueServiceType, type WorkerProcess } from './worker-process';

/**
 * A real worker process against the local stack (Temporal, PostgreSQL, Kafka: `npm run stack:up`): /readyz says 503
 * while it starts, 200 once every Worker polls, and 503 again as soon as SIGTERM drains it, while /livez stays 200.
 */

jest.setTimeout(240_000);

interface Answer {
  status: number;
  detail: string;
}

async function get(port: number, route: string): Promise<Answer | 'refused'> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(2_000) });
    return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
  } catch {
    return 'refused';
  }
}

/** Every distinct answer of /readyz, polled every `everyMs`, until `stop` holds. */
async function watch(port: number, stop: (answer: Answer | 'refused') => boolean, everyMs: number, timeoutMs: number) {
  const seen: (Answer | 'refused')[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await get(port, '/readyz');
    const last = seen[seen.length - 1];
    if (JSON.stringify(answer) !== JSON.stringify(last)) seen.push(answer);
    if (stop(answer)) return seen;
    if (Date.now() > deadline) throw new Error(`/readyz never settled: ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

let worker: WorkerProcess | undefined;
afterEach(() => worker?.stop());

describe('the worker process health endpoints', () => {
  it('are 503 while starting, 200 once polling, and /readyz 503 while SIGTERM drains', async () => {
    const port = await freePort();
    worker = startWorker({ serviceType: uniqueServiceType('health'), args: ['--health-port', String(port)] });
    const starting = await watch(port, (answer) => answer !== 'refused' && answer.status === 200, 50, 180_000);
    const answered = starting.filter((answer): answer is Answer => answer !== 'refused');
    expect(answered[0]).toEqual({ status: 503, detail: expect.stringMatching(/^starting/) });
    expect(answered[answered.length - 1]).toEqual({
      status: 200,
      detail: '2 workers polling; Temporal reachable',
    });
    expect(worker.output()).toContain(`/livez and /readyz on :${port}`);
    expect(await get(port, '/livez')).toEqual({ status: 200, detail: 'running' });

    process.kill(worker.child.pid!, 'SIGTERM');
    const draining = await watch(port, (answer) => answer === 'refused', 5, 60_000);
    // Until the signal is handled the answer may still be 200; the first other one is the drain's.
    const afterSignal = draining.filter((answer) => answer === 'refused' || answer.status !== 200);
    expect(afterSignal[0]).toEqual({ status: 503, detail: expect.stringMatching(/^draining: the worker of .* is /) });
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/drained in [\d.]+ s: every worker stopped/);
  });

  it('refuses a health port that was asked for and another process holds (exit 2)', async () => {
    const port = await freePort();
    const holder = startWorker({ serviceType: uniqueServiceType('health'), args: ['--health-port', String(port)] });
    try {
      await holder.polling;
      worker = startWorker({ serviceType: uniqueServiceType('health'), env: { WORKER_HEALTH_PORT: String(port) } });
      expect((await worker.exited).code).toBe(2);
      expect(worker.output()).toContain(`health port ${port} is held by another process`);
    } finally {
      holder.stop();
    }
  });
});
