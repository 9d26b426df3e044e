import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Logger, MetricMeter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Runtime } from '@temporalio/worker';
import type pg from 'pg';
import {
  ORCHESTRATION_TASK_QUEUE,
  servicePreviewTaskQueue,
  serviceTaskQueue,
  WORKFLOW_TYPES,
} from '@tenant-deletion/contract';
import { DELETION_DUE_AT, DELETION_STATUS, GDPR_MODE, SERVICE_TYPE } from '@tenant-deletion/client/search-attributes';
import { connectTemporalClient, type TemporalAccess } from '../common/temporal-connection';
import type { WorkerConfig } from '../common/worker-config';
import { METRIC } from '../common/metrics/metric-names';
import { dueBuckets, LabelledGauge, mostOverdueSeconds, oldestAgeSeconds } from './compliance-figures';
import { queuesOf } from './worker-pool';

/**
 * The orchestration worker's gauges of what is open right now: instances by status, legal holds, approvals, GDPR
 * deadlines and the pollers of every queue, refreshed from Temporal's visibility and the ledger on an interval. A
 * refresh that fails is counted and logged; the gauges keep their last values until one succeeds.
 */

const OPEN_INSTANCE_STATUSES = ['PENDING', 'IN_PROGRESS', 'ON_HOLD'] as const;
const RUNNING = `ExecutionStatus = 'Running'`;

export interface ComplianceMetricsOptions {
  client: Client;
  db: pg.Pool;
  /** Every service type the worker config names: their queues' pollers are reported, 0 when none polls. */
  serviceTypes: readonly string[];
  meter: MetricMeter;
  logger: Logger;
}

interface QueueKind {
  name: string;
  kind: 'deletion' | 'preview' | 'orchestration';
}

export class ComplianceMetrics {
  private readonly instances;
  private readonly holdsOpen;
  private readonly holdOldest;
  private readonly approvalsWaiting;
  private readonly approvalOldest;
  private readonly gdprOpen;
  private readonly gdprOverdue;
  private readonly pollers;
  private readonly failures;
  /** A run's chain (continue-as-new) start never changes: asked of Temporal once per run. */
  private readonly chainStarts = new Map<string, Date>();

  constructor(private readonly options: ComplianceMetricsOptions) {
    const { meter } = options;
    const gauge = (name: string, description: string) => meter.createGauge(name, 'int', undefined, description);
    this.instances = new LabelledGauge(gauge(METRIC.instances, 'Open instance deletions by status'));
    this.holdsOpen = new LabelledGauge(gauge(METRIC.legalHoldsOpen, 'Instance deletions waiting on a legal hold'));
    this.holdOldest = new LabelledGauge(
      gauge(METRIC.legalHoldOldestAge, 'Age of the oldest held instance deletion (since its run started)'),
    );
    this.approvalsWaiting = gauge(METRIC.approvalsWaiting, 'Tenant deletions awaiting an admin approval');
    this.approvalOldest = gauge(METRIC.approvalOldestWait, 'How long the oldest awaiting approval has waited');
    this.gdprOpen = new LabelledGauge(gauge(METRIC.gdprDeletionsOpen, 'Open GDPR tenant deletions by due date'));
    this.gdprOverdue = gauge(METRIC.gdprMostOverdue, 'How far past due the most overdue GDPR deletion is');
    this.pollers = new LabelledGauge(gauge(METRIC.taskQueuePollers, 'Workers polling a task queue'));
    this.failures = meter.createCounter(METRIC.refreshFailures, undefined, 'Failed refreshes of the compliance gauges');
    // Present from the start, so that an alert on its rate has a series to read.
    this.failures.add(0);
  }

  /** One refresh: every figure is gathered first, so that a failure leaves every gauge as the last refresh set it. */
  async refresh(now = new Date()): Promise<void> {
    const [tenants, held, instanceCounts, pollers] = await Promise.all([
      this.list(`WorkflowType = '${WORKFLOW_TYPES.tenant}' AND ${RUNNING}`),
      this.list(`WorkflowType = '${WORKFLOW_TYPES.serviceInstance}' AND ${RUNNING} AND DeletionStatus = 'ON_HOLD'`),
      this.runningInstanceCounts(),
      this.queuePollers(),
    ]);
    const awaiting = tenants.filter((run) => run.typedSearchAttributes.get(DELETION_STATUS) === 'AWAITING_APPROVAL');
    const [pending, approvalSince, heldSince] = await Promise.all([
      this.pendingInstances(tenants),
      this.approvalWaits(awaiting),
      Promise.all(held.map(async (run) => ({ run, since: await this.chainStart(run) }))),
    ]);
    const gdprDue = tenants
      .filter((run) => run.typedSearchAttributes.get(GDPR_MODE) === true)
      .flatMap((run) => run.typedSearchAttributes.get(DELETION_DUE_AT) ?? []);

    const { serviceTypes } = this.options;
    this.instances.update(
      serviceTypes.flatMap((type) =>
        OPEN_INSTANCE_STATUSES.map((status) => ({
          labels: { service_type: type, status },
          value: status === 'PENDING' ? (pending.get(type) ?? 0) : (instanceCounts.get(`${type}/${status}`) ?? 0),
        })),
      ),
    );
    const heldOf = (type: string) =>
      heldSince.filter(({ run }) => run.typedSearchAttributes.get(SERVICE_TYPE) === type).map(({ since }) => since);
    this.holdsOpen.update(serviceTypes.map((type) => ({ labels: { service_type: type }, value: heldOf(type).length })));
    this.holdOldest.update(
      serviceTypes.map((type) => ({ labels: { service_type: type }, value: oldestAgeSeconds(heldOf(type), now) })),
    );
    this.approvalsWaiting.set(awaiting.length);
    this.approvalOldest.set(oldestAgeSeconds(approvalSince, now));
    this.gdprOpen.update(Object.entries(dueBuckets(gdprDue, now)).map(([due, value]) => ({ labels: { due }, value })));
    this.gdprOverdue.set(mostOverdueSeconds(gdprDue, now));
    this.pollers.update(pollers.map(({ name, kind, count }) => ({ labels: { task_queue: name, kind }, value: count })));
  }

  /** refresh() for the interval: a failure is counted and logged, never thrown. */
  async refreshOrCount(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.failures.add(1);
      this.options.logger.warn('compliance metrics: refresh failed; the gauges keep their last values', {
        error: (error as Error).message,
      });
    }
  }

  private async list(query: string): Promise<WorkflowExecutionInfo[]> {
    const runs: WorkflowExecutionInfo[] = [];
    for await (const run of this.options.client.workflow.list({ query })) runs.push(run);
    return runs;
  }

  /** Running instance workflows per `type/status`; counting asks Temporal for no workflow's details. */
  private async runningInstanceCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    await Promise.all(
      this.options.serviceTypes.flatMap((type) =>
        (['IN_PROGRESS', 'ON_HOLD'] as const).map(async (status) => {
          const { count } = await this.options.client.workflow.count(
            `WorkflowType = '${WORKFLOW_TYPES.serviceInstance}' AND ${RUNNING} AND ServiceType = '${type}' AND DeletionStatus = '${status}'`,
          );
          counts.set(`${type}/${status}`, count);
        }),
      ),
    );
    return counts;
  }

  /**
   * Instances a request named that no child deletes yet (queued behind dependencies or the window, in a grace period,
   * awaiting approval): only the ledger knows them. Only rows of running tenant workflows, recorded since their first
   * run began, count: a terminated workflow's, or an earlier deletion's of the same tenant, would count for ever.
   */
  private async pendingInstances(tenants: WorkflowExecutionInfo[]): Promise<Map<string, number>> {
    const starts = await Promise.all(tenants.map((run) => this.chainStart(run)));
    const { rows } = await this.options.db.query<{ service_type: string; n: string }>(
      `SELECT r.service_type, count(*) AS n
         FROM service_deletion_requests r
         JOIN unnest($1::text[], $2::timestamptz[]) AS t(workflow_id, since) ON r.workflow_id = t.workflow_id
        WHERE r.status = 'PENDING' AND NOT r.dry_run AND r.created_at >= t.since
        GROUP BY r.service_type`,
      [tenants.map((run) => run.workflowId), starts],
    );
    return new Map(rows.map((row) => [row.service_type, Number(row.n)]));
  }

  /**
   * When each awaiting tenant's oldest request still pending was recorded: the wait for approval begins as the
   * ledger records the request. Rows older than the workflow's first run belong to an earlier deletion of the tenant.
   */
  private async approvalWaits(awaiting: WorkflowExecutionInfo[]): Promise<Date[]> {
    return Promise.all(
      awaiting.map(async (run) => {
        const started = await this.chainStart(run);
        const { rows } = await this.options.db.query<{ since: Date | null }>(
          `SELECT min(created_at) AS since FROM service_deletion_requests
            WHERE workflow_id = $1 AND status = 'PENDING' AND NOT dry_run AND created_at >= $2`,
          [run.workflowId, started],
        );
        return rows[0]?.since ?? started;
      }),
    );
  }

  /**
   * When the run's chain began: a long hold continues as new, and the new run's start time would hide how long the
   * instance has waited. So a hold's age is counted from its deletion run's start (the hold came then or later).
   */
  private async chainStart(run: WorkflowExecutionInfo): Promise<Date> {
    const known = this.chainStarts.get(run.runId);
    if (known) return known;
    const { client } = this.options;
    const { firstRunId } = (await client.workflow.getHandle(run.workflowId, run.runId).describe()).raw
      .workflowExecutionInfo!;
    const start =
      !firstRunId || firstRunId === run.runId
        ? run.startTime
        : (await client.workflow.getHandle(run.workflowId, firstRunId).describe()).startTime;
    this.chainStarts.set(run.runId, start);
    return start;
  }

  /** Distinct workers polling each queue, for workflow and activity tasks alike (a worker polls both). */
  private async queuePollers(): Promise<(QueueKind & { count: number })[]> {
    const queues: QueueKind[] = [
      { name: ORCHESTRATION_TASK_QUEUE, kind: 'orchestration' },
      ...this.options.serviceTypes.flatMap((type): QueueKind[] => [
        { name: serviceTaskQueue(type), kind: 'deletion' },
        { name: servicePreviewTaskQueue(type), kind: 'preview' },
      ]),
    ];
    const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;
    return Promise.all(
      queues.map(async (queue) => {
        const identities = new Set<string>();
        for (const taskQueueType of [TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY]) {
          const { pollers } = await this.options.client.workflowService.describeTaskQueue({
            namespace: this.options.client.options.namespace,
            taskQueue: { name: queue.name, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType,
          });
          for (const poller of pollers ?? []) identities.add(poller.identity ?? '');
        }
        return { ...queue, count: identities.size };
      }),
    );
  }
}

export interface RunningComplianceMetrics {
  intervalSeconds: number;
  stop(): Promise<void>;
}

/** Every service type the worker config names, in a group or with settings of its own. */
export function configuredServiceTypes(config: WorkerConfig): string[] {
  return [...new Set([...queuesOf(config, []).serviceTypes, ...Object.keys(config.serviceTypes)])];
}

/**
 * On the runtime's meter (the worker's metrics port) and logger, over a client of its own: refreshes at once, then
 * every intervalSeconds; stop() waits for a refresh under way and closes the client.
 */
export async function startComplianceMetrics(options: {
  temporal: TemporalAccess;
  db: pg.Pool;
  workerConfig: WorkerConfig;
  /** COMPLIANCE_METRICS_INTERVAL_SECONDS (workers/worker-environment.ts). */
  intervalSeconds: number;
}): Promise<RunningComplianceMetrics> {
  const { intervalSeconds } = options;
  const client = await connectTemporalClient(options.temporal);
  const metrics = new ComplianceMetrics({
    client,
    db: options.db,
    serviceTypes: configuredServiceTypes(options.workerConfig),
    meter: Runtime.instance().metricMeter,
    logger: Runtime.instance().logger,
  });
  let current = metrics.refreshOrCount();
  // One refresh at a time: a slow one makes the next wait rather than pile up.
  const timer = setInterval(() => {
    current = current.then(() => metrics.refreshOrCount());
  }, intervalSeconds * 1000);
  return {
    intervalSeconds,
    async stop() {
      clearInterval(timer);
      await current;
      await client.connection.close();
    },
  };
}
