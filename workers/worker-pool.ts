import fs from 'node:fs';
import path from 'node:path';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { DataConverter } from '@temporalio/common';
import type { WorkflowInfo } from '@temporalio/workflow';
import type {
  BundleOptions,
  NativeConnection,
  WorkerDeploymentOptions,
  WorkflowBundleOption,
} from '@temporalio/worker';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ORCHESTRATION_TASK_QUEUE, servicePreviewTaskQueue, serviceTaskQueue } from '@tenant-deletion/contract';
import { settingsFor, type WorkerConfig } from '../common/worker-config';
import type { Tracing } from '../common/telemetry/tracing';
import type { InstanceActivities } from '../activities/instance-activities';
import type { GuardRailActivities } from '../activities/guard-rail-activities';
import type { TenantActivities } from '../activities/tenant-activities';

/**
 * The workers of some groups of the worker config: the orchestration queue and, per service type, one worker for
 * its deletion queue and one for its preview queue, each with its own slots, so that one type's backlog never takes
 * another's and a type's deletions never hold up its previews.
 */

export interface WorkerPoolOptions {
  connection: NativeConnection;
  namespace: string;
  /** The payload codec's converter (common/temporal-connection.ts): every client of the namespace has the same. */
  dataConverter: DataConverter;
  config: WorkerConfig;
  /** Which groups to run; all of them when empty. */
  groups: string[];
  /** Worker Versioning (workers/worker-deployment.ts), for every Worker of the pool; unset: unversioned. */
  deployment?: WorkerDeploymentOptions;
  /** The orchestration queue's activities: inventory, ledger, events, registry and guard rails. */
  tenantActivities: TenantActivities & GuardRailActivities;
  instanceActivities: InstanceActivities;
  /** Where workflow and activity spans go (common/telemetry/tracing.ts); unset or disabled: nowhere. */
  tracing?: Tracing;
}

export class UnknownGroupError extends Error {
  constructor(group: string, known: string[]) {
    super(`unknown worker group "${group}": the worker config has ${known.join(', ')}`);
    this.name = 'UnknownGroupError';
  }
}

export function queuesOf(config: WorkerConfig, groups: string[]): { orchestration: boolean; serviceTypes: string[] } {
  const chosen = groups.length > 0 ? groups : Object.keys(config.groups);
  for (const group of chosen) {
    if (!config.groups[group]) throw new UnknownGroupError(group, Object.keys(config.groups));
  }
  return {
    orchestration: chosen.some((group) => config.groups[group].orchestration),
    serviceTypes: [...new Set(chosen.flatMap((group) => config.groups[group].serviceTypes))],
  };
}

export async function createWorkerPool(options: WorkerPoolOptions): Promise<Worker[]> {
  const { connection, namespace, dataConverter, config } = options;
  const queues = queuesOf(config, options.groups);
  // One bundle for every worker of the process: bundling is the slow part of a worker's start.
  const traced = options.tracing?.enabled ?? false;
  const workflowBundle = await workflowBundleFor(dataConverter, traced);
  const common = {
    connection,
    namespace,
    dataConverter,
    ...shutdownOptions(config),
    ...(options.deployment && { workerDeploymentOptions: options.deployment }),
    ...tracingOptions(options.tracing),
  };
  const workers: Promise<Worker>[] = [];
  if (queues.orchestration) {
    workers.push(
      Worker.create({
        ...common,
        workflowBundle,
        taskQueue: ORCHESTRATION_TASK_QUEUE,
        activities: options.tenantActivities,
        maxConcurrentWorkflowTaskExecutions: config.orchestration.maxConcurrentWorkflowTasks,
        maxConcurrentActivityTaskExecutions: config.orchestration.maxConcurrentActivities,
        ...pollerOptions(
          config,
          config.orchestration.maxConcurrentWorkflowTasks,
          config.orchestration.maxConcurrentActivities,
        ),
      }),
    );
  }
  for (const type of queues.serviceTypes) {
    const settings = settingsFor(config, type);
    workers.push(
      Worker.create({
        ...common,
        workflowBundle,
        taskQueue: serviceTaskQueue(type),
        activities: options.instanceActivities,
        maxConcurrentWorkflowTaskExecutions: settings.maxConcurrentWorkflowTasks,
        maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities,
        ...pollerOptions(config, settings.maxConcurrentWorkflowTasks, settings.maxConcurrentActivities),
      }),
    );
    // The type's previews (admission, dry runs) have their own queue and slots: on the deletion queue they waited
    // for a slot behind deletions that hold theirs for a whole 202 poll loop, and every instance of a tenant waits
    // for its previews. Activities only, as many slots as the type's deletions.
    workers.push(
      Worker.create({
        ...common,
        taskQueue: servicePreviewTaskQueue(type),
        activities: { previewInstance: options.instanceActivities.previewInstance },
        maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities,
        ...pollerOptions(config, undefined, settings.maxConcurrentActivities),
      }),
    );
  }
  return Promise.all(workers);
}

/**
 * The workflow tracing interceptors: they add no command, only a header on what a workflow starts, so that its
 * activities and children continue its trace. Only in the bundle of a worker that traces: in the sandbox they make a
 * span of every signal, query, activity and child whether or not anyone receives it, which cost a busy untraced
 * worker enough to time its queries out (test/bridge/bridge-kill.int.test.ts) and a 5,000-instance tenant a quarter
 * more time.
 */
export const TRACING_WORKFLOW_INTERCEPTORS = path.join(__dirname, '..', 'workflows', 'tracing-interceptors.ts');

/**
 * Activity spans (children of the workflow's, through the header) and the sink by which the sandbox hands its
 * workflow spans to the process's span processor; nothing for a worker that does not trace, whose bundle has no
 * workflow interceptors to call the sink either.
 */
function tracingOptions(tracing: Tracing | undefined) {
  if (!tracing?.enabled) return {};
  return {
    interceptors: {
      activity: [
        (ctx: ActivityContext) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: workflowSpanSink(tracing) },
  };
}

/** Where the sandbox's workflow spans leave it: the process's span processor, or nowhere. */
export function workflowSpanSink(tracing: Tracing | undefined) {
  const processor = tracing?.enabled && tracing.spanProcessor ? tracing.spanProcessor : new NoopSpanProcessor();
  return identifiersOnly(makeWorkflowExporter(processor, tracing?.resource ?? Resource.empty()));
}

type WorkflowExporterSink = ReturnType<typeof makeWorkflowExporter>;

/**
 * The SDK's sink copies the whole WorkflowInfo onto every workflow span as attributes: its memo, search attributes,
 * last failure's text and more. Only the run's identifiers go on: a span must say no more than docs/tracing.md lists.
 */
function identifiersOnly(sink: WorkflowExporterSink): WorkflowExporterSink {
  return {
    export: {
      ...sink.export,
      fn: (info, spans) =>
        sink.export.fn(
          {
            workflowId: info.workflowId,
            runId: info.runId,
            workflowType: info.workflowType,
            taskQueue: info.taskQueue,
            namespace: info.namespace,
          } as WorkflowInfo,
          spans,
        ),
    },
  };
}

/** The options of the workflow bundle, the same whether `npm run build` prebuilds it or a worker bundles it. */
export function workflowBundleOptions(failureConverterPath: string | undefined, traced: boolean): BundleOptions {
  return {
    workflowsPath: path.join(__dirname, '..', 'workflows', 'index.ts'),
    workflowInterceptorModules: traced ? [TRACING_WORKFLOW_INTERCEPTORS] : [],
    // Workflow code converts its failures inside the sandbox, so a prebuilt bundle must carry the converter itself.
    failureConverterPath,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  };
}

/**
 * Where `npm run build` writes a prebuilt bundle: beside the compiled worker (dist/workers/). The only failure
 * converter there is is the payload codec's, so the bundle is chosen by whether the codec is on, and by whether the
 * worker traces.
 */
export function prebuiltBundleFile(dir: string, failureConverterPath: string | undefined, traced: boolean): string {
  return path.join(dir, `workflow-bundle${failureConverterPath ? '' : '.codec-off'}${traced ? '.traced' : ''}.js`);
}

/** The prebuilt bundle when running from dist/, else one bundled from the sources (tsx, development). */
async function workflowBundleFor(dataConverter: DataConverter, traced: boolean): Promise<WorkflowBundleOption> {
  const prebuilt = prebuiltBundleFile(__dirname, dataConverter.failureConverterPath, traced);
  if (fs.existsSync(prebuilt)) return { codePath: prebuilt };
  return bundleWorkflowCode(workflowBundleOptions(dataConverter.failureConverterPath, traced));
}

/** How long a drain may overrun the grace time while cancelled activities wind up, before the worker gives up. */
export const SHUTDOWN_FORCE_MARGIN_MS = 30_000;

/**
 * A drain, not a stop: on shutdown (SIGTERM, SIGINT) a worker stops polling at once, lets its running activities
 * finish for shutdownGraceSeconds, then cancels the rest (WORKER_SHUTDOWN: their attempt fails and is retried on
 * another worker). Should one ignore its cancellation, run() throws GracefulShutdownPeriodExpiredError a margin later,
 * so that the process always ends.
 */
/**
 * Autoscaling pollers: from one open poll per queue up to its slots, as the server's answers say work is waiting,
 * and back down when idle (`fixed`: the SDK's defaults). An activity-only worker (`workflowSlots` undefined) polls no
 * workflow tasks.
 */
export function pollerOptions(
  config: WorkerConfig,
  workflowSlots: number | undefined,
  activitySlots: number,
): Pick<WorkerOptions, 'workflowTaskPollerBehavior' | 'activityTaskPollerBehavior'> {
  if (config.pollers === 'fixed') return {};
  // The sticky and the normal queue need a poll each.
  const scaled = (slots: number, minimum: number) => ({
    type: 'autoscaling' as const,
    minimum: Math.min(minimum, slots),
    initial: Math.min(minimum, slots),
    maximum: slots,
  });
  return {
    ...(workflowSlots !== undefined && { workflowTaskPollerBehavior: scaled(Math.max(workflowSlots, 2), 2) }),
    activityTaskPollerBehavior: scaled(activitySlots, 1),
  };
}

export function shutdownOptions(config: WorkerConfig): { shutdownGraceTime: number; shutdownForceTime: number } {
  const graceMs = config.shutdownGraceSeconds * 1000;
  return { shutdownGraceTime: graceMs, shutdownForceTime: graceMs + SHUTDOWN_FORCE_MARGIN_MS };
}
