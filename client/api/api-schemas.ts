import { z } from 'zod';
import {
  controlResultSchema,
  deletedCounts,
  deletionRequestSchema,
  deletionStatus,
  identifier,
  isoTimestamp,
  LEDGER_STATUSES,
  requestId,
  requestStateSchema,
  requestStatus,
  tenantDeletionResultSchema,
  tenantProgressSchema,
} from '@tenant-deletion/contract';

/**
 * The deletion API's bodies and answers (docs/contract.md, "The deletion API"), built from the contract's schemas.
 * The routes parse with them and scripts/contract/deletion-api-openapi.ts publishes them, so the two cannot differ.
 * Request bodies are strict: a misspelt field (`dryrun`) is refused, never silently taken as the default.
 */

export const API_PREFIX = '/api/v1';

const gdprMode = z.boolean().default(false).describe('Erase the tenant record and its PII too (GDPR Art. 17)');
const dryRun = z.boolean().default(false).describe('Preview what would be deleted; delete nothing');
const reason = deletionRequestSchema.shape.reason.describe('Why, as the requester says (e.g. contract-ended)');
/** Only earlier than now: a date in the future would postpone a GDPR due date, an earlier one only brings it nearer. */
const requestedAt = isoTimestamp
  .refine((value) => Date.parse(value) <= Date.now() + 60_000, 'must not be in the future')
  .optional()
  .describe(
    'When the requester asked, when that was before this call (e.g. a request received by e-mail): a GDPR ' +
      'deletion is due one month later. Absent: now.',
  );

/** `DELETE /api/v1/tenants/{tenantId}`: the body is optional; none is `{}`. */
export const wholeTenantDeletionBodySchema = z.strictObject({ gdprMode, dryRun, reason, requestedAt });
export type WholeTenantDeletionBody = z.infer<typeof wholeTenantDeletionBodySchema>;

/** `POST /api/v1/tenants/{tenantId}/deletions`: some of the tenant's service instances. */
export const instanceDeletionBodySchema = z.strictObject({
  instances: deletionRequestSchema.shape.instances.unwrap().describe('The service instance ids to delete'),
  gdprMode,
  dryRun,
  reason,
  requestedAt,
});
export type InstanceDeletionBody = z.infer<typeof instanceDeletionBodySchema>;

/** The 202 answer to a deletion request: where to follow it. */
export const deletionAcceptedSchema = z.object({
  requestId: requestId.describe('This request; the same Idempotency-Key gives the same id'),
  workflowId: z.string().describe("The tenant's deletion workflow (one per tenant: requests of a tenant meet there)"),
  status: z.string().describe("The tenant's deletion status: GET it"),
  request: z.string().describe("This request's status: GET it"),
  traceId: identifier,
});
export type DeletionAccepted = z.infer<typeof deletionAcceptedSchema>;

/** cancel and retry: the instances to act on; none named, all that qualify. */
export const controlBodySchema = z.strictObject({
  instances: z.array(identifier).min(1).optional().describe('Only these instances; absent: all that qualify'),
});
export type ControlBody = z.infer<typeof controlBodySchema>;

/** approve: the held requests to release, named directly or by the instances they delete; none named, all. */
export const approveBodySchema = controlBodySchema.extend({
  requestIds: z.array(requestId).min(1).optional().describe('Only these held requests'),
});
export type ApproveBody = z.infer<typeof approveBodySchema>;

export const controlAnswerSchema = controlResultSchema.extend({
  tenantId: identifier,
  workflowId: z.string(),
  update: z.enum(['cancelDeletion', 'retryFailedDeletion', 'approveDeletion']),
  approvedBy: identifier.optional().describe('approve: the operator who approved (the token subject)'),
});
export type ControlAnswer = z.infer<typeof controlAnswerSchema>;

/** `GET /api/v1/tenants/{tenantId}/deletion`: the tenant workflow's latest run, as Temporal can tell it. */
export const tenantDeletionStatusSchema = z.object({
  tenantId: identifier,
  workflowId: z.string(),
  runId: z.string(),
  workflowStatus: z.string().describe("Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED…"),
  status: deletionStatus.nullable().describe('The rolled-up deletion status; null when nothing says'),
  startTime: isoTimestamp,
  closeTime: isoTimestamp.nullable(),
  progress: tenantProgressSchema
    .nullable()
    .describe("The workflow's progress query: every instance and request; null when it did not answer"),
  result: tenantDeletionResultSchema.nullable().describe("The workflow's result, once it completed"),
  note: z.string().nullable().describe('Why the answer is partial, when it is'),
});
export type TenantDeletionStatus = z.infer<typeof tenantDeletionStatusSchema>;

/** One row of the ledger (service_deletion_requests): one instance of a request. */
export const ledgerRowSchema = z.object({
  serviceInstanceId: identifier,
  serviceType: z.string(),
  status: z.enum(LEDGER_STATUSES),
  dryRun: z.boolean(),
  gdprMode: z.boolean(),
  traceId: z.string(),
  retryCount: z.number().int().nonnegative(),
  deletedCounts: deletedCounts.nullable(),
  failureReason: z.string().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  finishedAt: isoTimestamp.nullable(),
  dueAt: isoTimestamp.nullable().describe('GDPR requests: when the law wants the deletion done'),
});
export type LedgerRow = z.infer<typeof ledgerRowSchema>;

/** `GET /api/v1/deletions/{requestId}`: one request, as the tenant workflow and the ledger know it. */
export const requestStatusAnswerSchema = z.object({
  requestId,
  tenantId: identifier,
  status: requestStatus.describe("The workflow's status of the request, else rolled up from its ledger rows"),
  request: requestStateSchema
    .nullable()
    .describe('What the tenant workflow says of the request; null once it no longer answers'),
  instances: z.array(ledgerRowSchema).describe('Its ledger rows, one per service instance (none before admission)'),
});
export type RequestStatusAnswer = z.infer<typeof requestStatusAnswerSchema>;

export const healthSchema = z.object({ status: z.literal('ok') });
