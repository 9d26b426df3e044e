/** Not a workflow: the workflow interceptors of the bundle (workers/worker-pool.ts). */
import type { WorkflowInterceptors } from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags';
import { getActivator } from '@temporalio/workflow/lib/global-attributes';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';

/**
 * Whether this workflow task runs under tracing. The SDK's interceptors decide their yield points by SDK flags and
 * take a task recorded without a flag for one recorded by an older interceptor, so that they replay a task our
 * untraced workers recorded with extra yields, and an update then completes in another order than it did
 * (test/telemetry/traced-history-replay.test.ts). The flag of their latest release is set in every task they
 * trace, never in a task recorded without them: where it is missing, the call goes straight on, as before tracing.
 */
function tracedTask(): boolean {
  return getActivator().hasFlag(SdkFlags.OpenTelemetryInterceptorsInstrumentsAllMethods);
}

type Call = (input: unknown, next: (input: unknown) => unknown) => unknown;

/** The interceptor's methods, each traced only in a traced task; no await of its own, so no yield point. */
function inTracedTasksOnly<T extends object>(interceptor: T): T {
  const calls: Record<string, Call> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(interceptor))) {
    const method = (interceptor as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    calls[name] = (input, next) => (tracedTask() ? (method as Call).call(interceptor, input, next) : next(input));
  }
  return calls as T;
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [inTracedTasksOnly(new OpenTelemetryInboundInterceptor())],
  outbound: [inTracedTasksOnly(new OpenTelemetryOutboundInterceptor())],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
