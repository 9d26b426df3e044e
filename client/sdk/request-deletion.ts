import type { Client, WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import {
  ORCHESTRATION_TASK_QUEUE,
  tenantWorkflowId,
  WORKFLOW_TYPES,
  type DeletionRequest,
} from '@tenant-deletion/contract';
import { requestDeletionSignal, type TenantDeletionWorkflowType } from './definitions';
import { DELETION_STATUS, GDPR_MODE, TENANT_ID } from './search-attributes';

/**
 * Hands a deletion request to Temporal the one way the contract allows: signal-with-start of the tenant's
 * workflow, so that every request of one tenant meets in one workflow and a repeated requestId is absorbed.
 */
export async function requestDeletion(
  client: Client,
  request: DeletionRequest,
): Promise<WorkflowHandleWithSignaledRunId<TenantDeletionWorkflowType>> {
  const scope = request.instances ? `${request.instances.length} instance(s)` : 'whole tenant';
  return client.workflow.signalWithStart<TenantDeletionWorkflowType, [DeletionRequest]>(WORKFLOW_TYPES.tenant, {
    workflowId: tenantWorkflowId(request.tenantId),
    taskQueue: ORCHESTRATION_TASK_QUEUE,
    // A tenant with thousands of instances has runs of many MB of history; a worker that lost the run from its cache
    // replays all of it, which on a busy 2-core machine took 11 s, past the 10 s default, and the task then timed out
    // again at every attempt. Continued runs inherit it.
    workflowTaskTimeout: '60s',
    args: [request],
    signal: requestDeletionSignal,
    signalArgs: [request],
    typedSearchAttributes: [
      { key: TENANT_ID, value: request.tenantId },
      { key: GDPR_MODE, value: request.gdprMode },
      { key: DELETION_STATUS, value: 'PENDING' },
    ],
    staticSummary: `delete tenant ${request.tenantId}: ${scope}${request.gdprMode ? ', GDPR' : ''}${request.dryRun ? ', dry run' : ''}`,
    staticDetails: `requested by ${request.requestedBy}, trace ${request.traceId}${request.reason ? `, reason: ${request.reason}` : ''}`,
  });
}
