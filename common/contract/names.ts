/**
 * The names other systems rely on, pinned by docs/contract.md. Everything that names a topic,
 * a workflow, a queue or a search attribute imports it from here.
 */

export const TOPICS = {
  serviceDeletionRequest: 'tenant.service.deletion.request',
  tenantDeletionRequest: 'tenant.deletion.request',
  serviceDeletionResult: 'tenant.service.deletion.result',
  lifecycleEvents: 'tenant.lifecycle.events',
  deadLetter: 'tenant.deletion.dlq',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const WORKFLOW_TYPES = {
  tenant: 'TenantDeletionWorkflow',
  serviceInstance: 'ServiceInstanceDeletionWorkflow',
  /** Asks each of a tenant's active instances what a deletion would delete, for `tdel preview`; deletes nothing. */
  tenantPreview: 'TenantPreviewWorkflow',
} as const;

export const ORCHESTRATION_TASK_QUEUE = 'tenant-deletion';

export function tenantWorkflowId(tenantId: string): string {
  return `tenant-deletion:${tenantId}`;
}

/** One per preview asked for: previews of one tenant may run side by side, and never meet its deletion workflow. */
export function tenantPreviewWorkflowId(tenantId: string, uuid: string): string {
  return `tenant-preview:${tenantId}:${uuid}`;
}

export function serviceInstanceWorkflowId(tenantId: string, serviceInstanceId: string): string {
  return `service-deletion:${tenantId}:${serviceInstanceId}`;
}

export function serviceTaskQueue(serviceType: string): string {
  return `service-deletion.${serviceType}`;
}

/**
 * Where a service type's admission and dry-run previews wait: polled by the same workers as its deletion queue, with
 * slots of their own, so that a preview never queues behind the type's running deletions (internal, not contract).
 */
export function servicePreviewTaskQueue(serviceType: string): string {
  return `service-preview.${serviceType}`;
}

/** Search attributes and their Temporal index types, as registered on the server. */
export const SEARCH_ATTRIBUTES = {
  TenantId: 'Keyword',
  ServiceType: 'Keyword',
  ServiceInstanceId: 'Keyword',
  DeletionStatus: 'Keyword',
  GdprMode: 'Bool',
  DeletionDueAt: 'Datetime',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
export type SearchAttributeType = (typeof SEARCH_ATTRIBUTES)[SearchAttributeName];

export const LEDGER_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED'] as const;

export const INSTANCE_STATUSES = ['ACTIVE', 'DELETING', 'DELETED'] as const;
