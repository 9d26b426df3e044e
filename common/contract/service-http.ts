import { z } from 'zod';
import { identifier, isoTimestamp } from './identifiers';
import { deletedCounts } from './outcomes';

/**
 * The service deletion contract's HTTP bodies: the preview and DELETE answers, the 202 of a slow DELETE, its poll
 * while running, legal holds, and every refusal. The answers' schemas are what any service's answers must match
 * (the conformance checker reads them), so they accept unknown fields.
 */

export const previewBodySchema = z.object({
  tenant_id: identifier,
  service_name: z.string().min(1),
  counts: deletedCounts,
  total: z.number().int().nonnegative(),
  timestamp: isoTimestamp,
});
export type PreviewBody = z.infer<typeof previewBodySchema>;

export const deletionBodySchema = z.object({
  tenant_id: identifier,
  service_name: z.string().min(1),
  success: z.literal(true),
  deleted_counts: deletedCounts,
  errors: z.array(z.string()),
  timestamp: isoTimestamp,
});
export type DeletionBody = z.infer<typeof deletionBodySchema>;

/** Every refusal, from any service or the registry: `code` is stable and machine-readable, `message` is for people. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string().min(1), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A DELETE that runs in the background: poll `location` (also in the Location header) until it answers 200. */
export const deletionAcceptedBodySchema = z.object({
  tenant_id: identifier,
  service_name: z.string().min(1),
  job_id: z.uuid(),
  status: z.literal('running'),
  location: z.url(),
});
export type DeletionAcceptedBody = z.infer<typeof deletionAcceptedBodySchema>;

/** A poll of a running job: 202 with what is deleted so far. */
export const deletionRunningBodySchema = z.object({
  status: z.literal('running'),
  job_id: z.uuid(),
  tenant_id: identifier,
  service_name: z.string().min(1),
  deleted_counts: deletedCounts,
  started_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type DeletionRunningBody = z.infer<typeof deletionRunningBodySchema>;

/**
 * The 409 of a DELETE or a poll while the tenant is held: who placed the hold (the admin token's subject) and since
 * when, when the service records them, so the orchestrator's status can say whom to ask.
 */
export const legalHoldRefusalSchema = z.object({
  error: z.object({
    code: z.literal('LEGAL_HOLD'),
    message: z.string(),
    held_by: z.string().min(1).optional(),
    held_since: isoTimestamp.optional(),
  }),
});
export type LegalHoldRefusal = z.infer<typeof legalHoldRefusalSchema>;

/** A lifted hold: who placed it and who lifted it (token subjects), newest first. */
export const liftedLegalHoldSchema = z.object({
  reason: z.string(),
  placed_by: z.string().min(1).optional(),
  placed_at: isoTimestamp,
  lifted_by: z.string().min(1),
  lifted_at: isoTimestamp,
});
export type LiftedLegalHold = z.infer<typeof liftedLegalHoldSchema>;

/**
 * A tenant's legal hold as GET and PUT answer it; `held: false` carries only the tenant. `placed_by` is missing on
 * holds placed before services recorded it; `lifted_holds` (GET) lists the tenant's earlier, lifted holds.
 */
export const legalHoldStateSchema = z.union([
  z.object({
    tenant_id: identifier,
    held: z.literal(true),
    reason: z.string(),
    placed_by: z.string().min(1).optional(),
    placed_at: isoTimestamp,
    lifted_holds: z.array(liftedLegalHoldSchema).optional(),
  }),
  z.object({ tenant_id: identifier, held: z.literal(false), lifted_holds: z.array(liftedLegalHoldSchema).optional() }),
]);
export type LegalHoldState = z.infer<typeof legalHoldStateSchema>;

/** DELETE of a hold: `lifted` is false when there was none (idempotent); else who lifted it and when. */
export const legalHoldLiftedSchema = z.object({
  tenant_id: identifier,
  held: z.literal(false),
  lifted: z.boolean(),
  lifted_by: z.string().min(1).optional(),
  lifted_at: isoTimestamp.optional(),
});
export type LegalHoldLifted = z.infer<typeof legalHoldLiftedSchema>;
