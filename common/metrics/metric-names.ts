/**
 * Our metric names on the worker's Prometheus port (docs/metrics.md). Core exposes metrics made on the SDK's meters
 * under these exact names: its `temporal_` prefix applies to its own metrics only, and `countersTotalSuffix` stays
 * off so that the SDK's counters keep their usual names; hence `_total` is written here. No imports: the workflow
 * bundle reads it too.
 */
export const METRIC = {
  instanceDeletionsStarted: 'tdel_instance_deletions_started_total',
  instanceDeletionsFinished: 'tdel_instance_deletions_finished_total',
  recordsDeleted: 'tdel_records_deleted_total',
  certificatesIssued: 'tdel_certificates_issued_total',
  tenantDeletionsFinished: 'tdel_tenant_deletions_finished_total',
  instanceDeletionDuration: 'tdel_instance_deletion_duration_seconds',
  instances: 'tdel_instances',
  legalHoldsOpen: 'tdel_legal_holds_open',
  legalHoldOldestAge: 'tdel_legal_hold_oldest_age_seconds',
  approvalsWaiting: 'tdel_approvals_waiting',
  approvalOldestWait: 'tdel_approval_oldest_wait_seconds',
  gdprDeletionsOpen: 'tdel_gdpr_deletions_open',
  gdprMostOverdue: 'tdel_gdpr_deletion_most_overdue_seconds',
  taskQueuePollers: 'tdel_task_queue_pollers',
  refreshFailures: 'tdel_metrics_refresh_failures_total',
} as const;
