import type { MetricMeter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { DeletedCounts, InstanceDeletionStatus } from '@tenant-deletion/contract';
import { METRIC } from './metric-names';

/**
 * The deletion counters the activities add to, on the runtime's meter rather than the activity context's: that one
 * adds namespace, task_queue and activity_type to every series, which the label sets of docs/metrics.md leave out.
 */

/** Seconds, 1 s to 30 days: an instance held by a legal hold finishes days or months after it started. */
const DURATION_BUCKETS_SECONDS = [1, 5, 15, 60, 300, 900, 3_600, 14_400, 86_400, 604_800, 2_592_000];

/** For Runtime.install's Prometheus options: Core's default buckets are milliseconds' (50 to 10,000). */
export const HISTOGRAM_BUCKETS = { [METRIC.instanceDeletionDuration]: DURATION_BUCKETS_SECONDS };

export interface FinishedInstance {
  serviceType: string;
  status: InstanceDeletionStatus;
  durationMs: number;
  deletedCounts: DeletedCounts;
}

export class DeletionMetrics {
  private readonly finished;
  private readonly duration;
  private readonly records;
  private readonly certificates;

  constructor(meter: MetricMeter) {
    this.finished = meter.createCounter(METRIC.instanceDeletionsFinished, undefined, 'Instance deletions finished');
    this.duration = meter.createHistogram(
      METRIC.instanceDeletionDuration,
      'float',
      's',
      'From the instance deletion run start to its outcome',
    );
    this.records = meter.createCounter(METRIC.recordsDeleted, undefined, 'Records the services reported deleted');
    this.certificates = meter.createCounter(METRIC.certificatesIssued, undefined, 'Deletion certificates issued');
  }

  instanceFinished({ serviceType, status, durationMs, deletedCounts }: FinishedInstance): void {
    const labels = { service_type: serviceType, status };
    this.finished.add(1, labels);
    this.duration.record(durationMs / 1000, labels);
    const records = Object.values(deletedCounts).reduce((sum, n) => sum + n, 0);
    this.records.add(records, { service_type: serviceType });
  }

  certificateIssued(): void {
    this.certificates.add(1);
  }
}

let shared: DeletionMetrics | undefined;

/** Made on first use, so that the process has installed its Runtime (and Prometheus exporter) by then. */
export function deletionMetrics(): DeletionMetrics {
  shared ??= new DeletionMetrics(Runtime.instance().metricMeter);
  return shared;
}
