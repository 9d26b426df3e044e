import Fastify, { type FastifyReply } from 'fastify';
import type { State, Worker } from '@temporalio/worker';
import {
  firstFailure,
  notReady,
  probeTemporal,
  ready,
  type Probe,
  type TemporalProbeTarget,
} from '../common/readiness';

/**
 * The worker process's health endpoints, for an orchestrator's probes. `/livez`: the process answers and none of its
 * Workers failed (a failed Worker never recovers: restart the process); it stays 200 while draining, so that a
 * drain is never cut short by a restart. `/readyz`: 200 only when every Worker of the process is RUNNING with its
 * pollers polling and Temporal answers; 503 with the reason while starting, draining (SIGTERM) or cut off.
 */

/** What a probe needs of a Worker: its run state and its pollers. */
export type ProbedWorker = Pick<Worker, 'getState' | 'getStatus'> & { options: { taskQueue: string } };

export interface WorkerHealthSources {
  /** The process's Workers once created; none while it is still starting. */
  workers(): readonly ProbedWorker[] | undefined;
  /** The connection the Workers poll with, once connected. */
  connection(): TemporalProbeTarget | undefined;
}

const DRAINING: ReadonlySet<State> = new Set(['STOPPING', 'DRAINING', 'DRAINED', 'STOPPED']);

export function liveness(workers: readonly ProbedWorker[] | undefined): Probe {
  const failed = (workers ?? []).filter((worker) => worker.getState() === 'FAILED');
  return failed.length > 0
    ? notReady(`worker of ${failed.map((worker) => worker.options.taskQueue).join(', ')} failed`)
    : ready('running');
}

/** Whether every Worker polls; the first one that does not, and why. */
export function workersPolling(workers: readonly ProbedWorker[] | undefined): Probe {
  if (workers === undefined) return notReady('starting: the workers are not created yet');
  for (const worker of workers) {
    const state = worker.getState();
    const queue = worker.options.taskQueue;
    if (DRAINING.has(state)) return notReady(`draining: the worker of ${queue} is ${state}`);
    if (state !== 'RUNNING') return notReady(`the worker of ${queue} is ${state}`);
    // A RUNNING worker shows a poller SHUTDOWN only for what it has nothing registered for (a preview worker runs
    // no workflows); a FAILED one no longer receives tasks of its kind.
    const { workflowPollerState, activityPollerState } = worker.getStatus();
    const failed = [
      workflowPollerState === 'FAILED' && 'workflow poller failed',
      activityPollerState === 'FAILED' && 'activity poller failed',
    ].filter(Boolean);
    if (failed.length > 0) return notReady(`the worker of ${queue}: ${failed.join(', ')}`);
  }
  return ready(`${workers.length} workers polling`);
}

export async function readiness(sources: WorkerHealthSources): Promise<Probe> {
  const polling = workersPolling(sources.workers());
  if (!polling.ok) return polling;
  const connection = sources.connection();
  if (!connection) return notReady('starting: not connected to Temporal yet');
  return firstFailure([polling, await probeTemporal(() => connection)], `${polling.detail}; Temporal reachable`);
}

export interface WorkerHealthServer {
  port: number;
  close(): Promise<void>;
}

/** Serves /livez and /readyz on the port; a port another process holds is an error the caller decides about. */
export async function startWorkerHealth(port: number, sources: WorkerHealthSources): Promise<WorkerHealthServer> {
  const app = Fastify({ logger: false });
  const send = (reply: FastifyReply, probe: Probe) =>
    reply.code(probe.ok ? 200 : 503).send({ status: probe.ok ? 'ok' : 'unavailable', detail: probe.detail });
  app.get('/livez', async (_request, reply) => send(reply, liveness(sources.workers())));
  app.get('/readyz', async (_request, reply) => send(reply, await readiness(sources)));
  await app.listen({ port, host: '0.0.0.0' });
  const address = app.server.address();
  return { port: typeof address === 'object' && address ? address.port : port, close: () => app.close() };
}
