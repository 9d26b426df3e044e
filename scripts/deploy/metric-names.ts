import { BridgeMetrics } from '../../client/bridge/bridge-metrics';

/**
 * The metric names dashboards and alert rules may use. The orchestrator's are the names docs/metrics.md fixes (the
 * workers expose them exactly so); the bridge's are read off its own registry; the SDK's are Temporal Core's
 * (`temporal_` prefix, counters without `_total`, latencies in milliseconds: the SDK's defaults, which the workers keep).
 */

const ORCHESTRATOR = [
  'tdel_instance_deletions_started_total',
  'tdel_instance_deletions_finished_total',
  'tdel_records_deleted_total',
  'tdel_certificates_issued_total',
  'tdel_tenant_deletions_finished_total',
  'tdel_instance_deletion_duration_seconds',
  'tdel_instances',
  'tdel_legal_holds_open',
  'tdel_legal_hold_oldest_age_seconds',
  'tdel_approvals_waiting',
  'tdel_approval_oldest_wait_seconds',
  'tdel_gdpr_deletions_open',
  'tdel_gdpr_deletion_most_overdue_seconds',
  'tdel_task_queue_pollers',
  'tdel_metrics_refresh_failures_total',
];

/** The histograms among them: Prometheus exposes each as `_bucket`, `_sum` and `_count` series. */
const HISTOGRAMS = [
  'tdel_instance_deletion_duration_seconds',
  'bridge_handover_seconds',
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_endtoend_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency',
];

const SDK = [
  'temporal_worker_task_slots_available',
  'temporal_worker_task_slots_used',
  'temporal_num_pollers',
  'temporal_sticky_cache_size',
  'temporal_workflow_completed',
  'temporal_workflow_failed',
  'temporal_activity_execution_failed',
  ...HISTOGRAMS.filter((name) => name.startsWith('temporal_')),
];

/** Prometheus' own, per scrape target. */
const PROMETHEUS = ['up'];

export async function knownMetricNames(): Promise<Set<string>> {
  const bridge = (await new BridgeMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name);
  const names = new Set([...ORCHESTRATOR, ...SDK, ...PROMETHEUS, ...bridge]);
  for (const histogram of HISTOGRAMS) {
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${histogram}${suffix}`);
  }
  return names;
}
