import { tenantWorkflowId, WORKFLOW_TYPES } from '@tenant-deletion/contract';

/**
 * Links into the Temporal Web UI. The UI's address is not Temporal's gRPC address, so it has its own variable,
 * TEMPORAL_UI_URL, defaulting to the local stack's UI.
 */

export const DEFAULT_WEB_UI = 'http://localhost:8233';

export class WebUi {
  readonly base: string;

  constructor(
    env: NodeJS.ProcessEnv,
    readonly namespace: string,
  ) {
    this.base = (env.TEMPORAL_UI_URL || DEFAULT_WEB_UI).replace(/\/+$/, '');
  }

  /** Identifiers are A-Z a-z 0-9 . _ : -, all of them safe in a URL path, so the id is shown as it is. */
  workflow(workflowId: string): string {
    return `${this.base}/namespaces/${this.namespace}/workflows/${workflowId}`;
  }

  tenant(tenantId: string): string {
    return this.workflow(tenantWorkflowId(tenantId));
  }

  /** A saved query: the workflow list filtered as the query says. */
  query(query: string): string {
    return `${this.base}/namespaces/${this.namespace}/workflows?query=${encodeURIComponent(query)}`;
  }
}

/**
 * The visibility query for tenant deletions, optionally in one DeletionStatus, of one tenant, or still running and
 * due (DeletionDueAt) before an instant.
 */
export function deletionsQuery(filter: { status?: string; tenantId?: string; dueBefore?: Date } = {}): string {
  return [
    `WorkflowType="${WORKFLOW_TYPES.tenant}"`,
    ...(filter.status ? [`DeletionStatus="${filter.status}"`] : []),
    ...(filter.tenantId ? [`TenantId="${filter.tenantId}"`] : []),
    ...(filter.dueBefore
      ? [`ExecutionStatus="Running"`, `DeletionDueAt < "${filter.dueBefore.toISOString().replace(/\.\d{3}Z$/, 'Z')}"`]
      : []),
  ].join(' AND ');
}
