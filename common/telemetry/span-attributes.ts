/**
 * The orchestrator's own span attributes: identifiers only, which the Web UI and the ledger show anyway. Never a
 * requester, a reason, a token or a record's contents (docs/tracing.md).
 */
export const TDEL_ATTRIBUTES = {
  tenantId: 'tdel.tenant_id',
  serviceInstanceId: 'tdel.service_instance_id',
  serviceType: 'tdel.service_type',
  /** The contract's traceId: what links a trace to the ledger's trace_id column and the result events. */
  traceId: 'tdel.trace_id',
  requestId: 'tdel.request_id',
} as const;
