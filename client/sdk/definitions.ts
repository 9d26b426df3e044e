import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeletionRequest, TenantDeletionResult, TenantProgress, TenantSummary } from '@tenant-deletion/contract';

/**
 * The tenant deletion workflow as other services see it: the signal that requests a deletion and the queries that
 * follow one. Defined once here and imported by the workflow itself, so the names cannot drift apart. Free of
 * `@temporalio/client`, so workflow code may import it (`@tenant-deletion/client/definitions`).
 */

/** The workflow's shape for a client: it is started with the first request and returns the deletion's result. */
export type TenantDeletionWorkflowType = (request: DeletionRequest) => Promise<TenantDeletionResult>;

export const requestDeletionSignal = defineSignal<[DeletionRequest]>('requestDeletion');
export const progressQuery = defineQuery<TenantProgress>('progress');
export const summaryQuery = defineQuery<TenantSummary>('summary');
