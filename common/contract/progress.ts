import { z } from 'zod';
import { deletedCounts, deletionStatus, instanceDeletionStatus, requestStatus } from './outcomes';

/** What the tenant workflow's `progress` and `summary` queries answer: its state, as clients read it. */

export const instanceStateSchema = z.object({
  serviceInstanceId: z.string(),
  serviceType: z.string(),
  status: instanceDeletionStatus,
  deletedCounts,
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** Requests waiting on this instance's deletion. */
  requestIds: z.array(z.string()),
  /** 1 for the first run; each retryFailed starts another. */
  run: z.number().int().positive(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type InstanceState = z.infer<typeof instanceStateSchema>;

export const requestStateSchema = z.object({
  requestId: z.string(),
  traceId: z.string(),
  requestedBy: z.string(),
  gdprMode: z.boolean(),
  dryRun: z.boolean(),
  wholeTenant: z.boolean(),
  status: requestStatus,
  /** Who released the request when it was held for approval. */
  approvedBy: z.string().nullable(),
  /** Why the request waits, was refused or did not complete. */
  reason: z.string().nullable(),
  /** Why it was asked for, as the requester said (e.g. contract-ended). */
  statedReason: z.string().nullable(),
  /** GDPR requests (not dry runs): when the law wants the deletion done, ISO-8601; null otherwise. */
  dueAt: z.string().nullable(),
  /** The instances it deletes (or previews). */
  instances: z.array(z.string()),
  /** Dry runs only: what each instance would delete. */
  preview: z.record(z.string(), deletedCounts).optional(),
  /** A whole-tenant request in its grace period: when deletion starts (epoch ms); cancel restores the tenant. */
  graceEndsAt: z.number().nullable().optional(),
  /** A FAILED request: the step the registry refused (retryFailed runs it again). */
  failedStep: z.enum(['admission', 'finalization']).nullable().optional(),
});
export type RequestState = z.infer<typeof requestStateSchema>;

export const totalsSchema = z.object({
  PENDING: z.number(),
  IN_PROGRESS: z.number(),
  ON_HOLD: z.number(),
  COMPLETED: z.number(),
  FAILED: z.number(),
  CANCELLED: z.number(),
  REJECTED: z.number(),
  deletedRecords: z.number(),
});
export type Totals = z.infer<typeof totalsSchema>;

export const tenantProgressSchema = z.object({
  tenantId: z.string(),
  status: deletionStatus,
  instances: z.array(instanceStateSchema),
  requests: z.array(requestStateSchema),
  totals: totalsSchema,
  certificateId: z.string().optional(),
});
export type TenantProgress = z.infer<typeof tenantProgressSchema>;

/** The light query for watchers: totals, open requests, and only the instances that need attention. */
export const tenantSummarySchema = z.object({
  tenantId: z.string(),
  status: deletionStatus,
  totals: totalsSchema,
  /** FAILED and ON_HOLD instances first, then running ones; at most SUMMARY_ATTENTION_LIMIT. */
  attention: z.array(instanceStateSchema),
  openRequests: z.array(requestStateSchema.omit({ preview: true })),
  certificateId: z.string().optional(),
});
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const SUMMARY_ATTENTION_LIMIT = 50;
