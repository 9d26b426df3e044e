import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  tenantDeletionResultSchema,
  tenantWorkflowId,
  type TenantDeletionResult,
  type TenantProgress,
  type TenantSummary,
} from '@tenant-deletion/contract';
import { progressQuery, summaryQuery, type TenantDeletionWorkflowType } from './definitions';

/**
 * Following a tenant's deletion: its workflow (the latest run, across continue-as-new), the `summary` query that is
 * cheap enough to poll, the full `progress` query, and the result once the workflow completes.
 */

export type DeletionHandle = WorkflowHandle<TenantDeletionWorkflowType>;

export function deletionHandle(client: Client, tenantId: string): DeletionHandle {
  return client.workflow.getHandle<TenantDeletionWorkflowType>(tenantWorkflowId(tenantId));
}

/** Every instance and request of a running deletion. */
export function readProgress(handle: DeletionHandle): Promise<TenantProgress> {
  return handle.query(progressQuery);
}

/** Totals, open requests and the instances that need attention: what a watcher polls. */
export function readSummary(handle: DeletionHandle): Promise<TenantSummary> {
  return handle.query(summaryQuery);
}

/** Waits for the deletion to end; its result, checked against the contract (a failed workflow throws). */
export async function readResult(handle: DeletionHandle): Promise<TenantDeletionResult> {
  return tenantDeletionResultSchema.parse(await handle.result());
}

export interface FollowOptions {
  /** How often the summary is read while the deletion runs (default 1 s). */
  intervalMs?: number;
  /** Called with each summary read while the deletion runs. */
  onSummary?: (summary: TenantSummary) => void;
  signal?: AbortSignal;
}

/** Polls the summary until the workflow ends, then returns its result. */
export async function followDeletion(
  client: Client,
  tenantId: string,
  options: FollowOptions = {},
): Promise<TenantDeletionResult> {
  const handle = deletionHandle(client, tenantId);
  while ((await handle.describe()).status.name === 'RUNNING') {
    options.onSummary?.(await readSummary(handle));
    await sleep(options.intervalMs ?? 1_000, undefined, { signal: options.signal });
  }
  return readResult(handle);
}
