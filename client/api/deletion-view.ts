import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  tenantDeletionResultSchema,
  tenantWorkflowId,
  type TenantDeletionResult,
  type TenantProgress,
} from '@tenant-deletion/contract';
import { deletionHandle, readProgress } from '@tenant-deletion/client';
import type { TenantDeletionStatus } from './api-schemas';
import { isUnreachable, temporalUnreachable } from './temporal-errors';

/**
 * A tenant's deletion as the API shows it: its workflow's latest run (across continue-as-new), the `progress` query
 * (which a worker answers for a closed run too, by replaying it) and, once it completed, its result.
 */

const QUERY_TIMEOUT_MS = 5_000;

/** Before its first request is taken, the workflow's roll-up says COMPLETED (nothing left to do): not yet. */
function rolledUp(progress: TenantProgress): TenantProgress['status'] {
  return progress.requests.length === 0 && progress.instances.length === 0 ? 'PENDING' : progress.status;
}

/** The deletion, or null when the tenant has no deletion workflow. */
export async function readDeletion(client: Client, tenantId: string): Promise<TenantDeletionStatus | null> {
  const handle = deletionHandle(client, tenantId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    if (isUnreachable(error)) throw temporalUnreachable();
    throw error;
  }
  const notes: string[] = [];
  let progress: TenantProgress | null = null;
  try {
    progress = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => readProgress(handle));
  } catch (error) {
    if (isUnreachable(error)) throw temporalUnreachable();
    notes.push(`the progress query got no answer (${(error as Error).message}): are the workers running?`);
  }
  let result: TenantDeletionResult | null = null;
  if (description.status.name === 'COMPLETED') {
    const parsed = tenantDeletionResultSchema.safeParse(await handle.result());
    if (parsed.success) result = parsed.data;
    else notes.push('the workflow result has an unknown shape');
  } else if (description.status.name !== 'RUNNING') {
    notes.push(`the workflow ended ${description.status.name}`);
  }
  return {
    tenantId,
    workflowId: tenantWorkflowId(tenantId),
    runId: description.runId,
    workflowStatus: description.status.name,
    status: progress ? rolledUp(progress) : (result?.status ?? null),
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
    progress,
    result,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

/** Who requested the deletion's requests, as far as the workflow still says. */
export function requestersOf(deletion: TenantDeletionStatus | null): string[] {
  return deletion?.progress?.requests.map((request) => request.requestedBy) ?? [];
}
