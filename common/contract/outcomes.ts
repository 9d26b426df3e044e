import { z } from 'zod';

/** How one service instance's deletion stands; the last five are terminal. */
export const INSTANCE_DELETION_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'ON_HOLD',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'REJECTED',
] as const;

export const instanceDeletionStatus = z.enum(INSTANCE_DELETION_STATUSES);
export type InstanceDeletionStatus = z.infer<typeof instanceDeletionStatus>;

/** The DeletionStatus search attribute's values, for tenants and instances alike. */
export const DELETION_STATUSES = [
  'PENDING',
  'AWAITING_APPROVAL',
  'IN_PROGRESS',
  'ON_HOLD',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'REJECTED',
] as const;

export const deletionStatus = z.enum(DELETION_STATUSES);
export type DeletionStatus = z.infer<typeof deletionStatus>;

/** How one request stands: an instance's statuses, or held for an admin's approval. */
export const requestStatus = z.union([instanceDeletionStatus, z.literal('AWAITING_APPROVAL')]);
export type RequestStatus = z.infer<typeof requestStatus>;

export const deletedCounts = z.record(z.string(), z.number().int().nonnegative());
export type DeletedCounts = z.infer<typeof deletedCounts>;

/** How one instance's deletion run ended: the child workflow's result. */
export const instanceDeletionOutcomeSchema = z.object({
  status: z.enum(['COMPLETED', 'FAILED', 'CANCELLED']),
  deletedCounts,
  attempts: z.number().int().nonnegative(),
  failureReason: z.string().nullable(),
  durationMs: z.number().nonnegative(),
});
export type InstanceDeletionOutcome = z.infer<typeof instanceDeletionOutcomeSchema>;

/** One instance's outcome as the ledger and the result topic record it, for one or more requests. */
export const instanceReportSchema = instanceDeletionOutcomeSchema.extend({
  serviceInstanceId: z.string(),
  serviceType: z.string(),
  status: z.enum(['COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED']),
  /** Which run of this instance (1, then 2 after a retryFailed): keeps event ids distinct per run. */
  run: z.number().int().positive(),
});
export type InstanceReport = z.infer<typeof instanceReportSchema>;

/** One instance in the workflow result, as the contract pins it. */
export const instanceOutcomeSchema = z.object({
  serviceInstanceId: z.string(),
  serviceType: z.string(),
  status: instanceDeletionStatus,
  deletedCounts,
  attempts: z.number().int().nonnegative(),
  failureReason: z.string().nullable(),
});
export type InstanceOutcome = z.infer<typeof instanceOutcomeSchema>;

export const requestOutcomeSchema = z.object({
  requestId: z.string(),
  status: requestStatus,
  dryRun: z.boolean(),
  reason: z.string().nullable(),
  /** Dry runs: what each instance would delete (per table, or `total` only beyond 500 instances). */
  preview: z.record(z.string(), deletedCounts).optional(),
});
export type RequestOutcome = z.infer<typeof requestOutcomeSchema>;

export const tenantDeletionResultSchema = z.object({
  tenantId: z.string(),
  status: deletionStatus,
  instances: z.array(instanceOutcomeSchema),
  requests: z.array(requestOutcomeSchema),
  certificateId: z.string().optional(),
});
export type TenantDeletionResult = z.infer<typeof tenantDeletionResultSchema>;
