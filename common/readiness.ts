import type { temporal } from '@temporalio/proto';

/**
 * What the health endpoints of the worker and the bridge answer with, and the dependency checks they share. A check
 * is bounded well below an orchestrator's probe timeout (Kubernetes waits 1 s by default), so that a hung
 * dependency reads as "not ready", never as a probe that itself timed out.
 */

export interface Probe {
  ok: boolean;
  /** Why, in words an operator acts on; never a secret. */
  detail: string;
}

export const PROBE_TIMEOUT_MS = 800;

export const ready = (detail: string): Probe => ({ ok: true, detail });
export const notReady = (detail: string): Probe => ({ ok: false, detail });

/** The first probe that fails, or one that says everything is ready. */
export function firstFailure(probes: Probe[], detail: string): Probe {
  return probes.find((probe) => !probe.ok) ?? ready(detail);
}

/** Resolves to `check`'s result, or to a failure once timeoutMs has passed. */
export async function bounded(
  what: string,
  check: () => Promise<unknown>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Probe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Probe>((resolve) => {
    timer = setTimeout(() => resolve(notReady(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        () => ready(`${what} reachable`),
        (error: Error) => notReady(`${what} unreachable: ${error.message}`),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What both a client's Connection and a worker's NativeConnection offer. */
export interface TemporalProbeTarget {
  workflowService: { getSystemInfo(request: temporal.api.workflowservice.v1.IGetSystemInfoRequest): Promise<unknown> };
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R>;
}

/**
 * GetSystemInfo is the frontend's cheapest call: it needs no namespace and touches no persistence. The connection
 * is asked for inside the bound, as a client may still be connecting.
 */
export function probeTemporal(
  connection: () => TemporalProbeTarget | Promise<TemporalProbeTarget>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Probe> {
  return bounded(
    'Temporal',
    async () => {
      const target = await connection();
      await target.withDeadline(Date.now() + timeoutMs, () => target.workflowService.getSystemInfo({}));
    },
    timeoutMs,
  );
}
