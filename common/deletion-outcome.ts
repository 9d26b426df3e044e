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

export const deletedCounts = z.record(z.string(), z.number().int().nonnegative());
export type DeletedCounts = z.infer<typeof deletedCounts>;

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
  status: z.union([instanceDeletionStatus, z.literal('AWAITING_APPROVAL')]),
  dryRun: z.boolean(),
  reason: z.string().nullable(),
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
