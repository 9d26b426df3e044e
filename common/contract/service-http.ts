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

/** A tenant's legal hold as GET and PUT answer it; `held: false` carries only the tenant. */
export const legalHoldStateSchema = z.union([
  z.object({ tenant_id: identifier, held: z.literal(true), reason: z.string(), placed_at: isoTimestamp }),
  z.object({ tenant_id: identifier, held: z.literal(false) }),
]);
export type LegalHoldState = z.infer<typeof legalHoldStateSchema>;

/** DELETE of a hold: `lifted` is false when there was none (idempotent). */
export const legalHoldLiftedSchema = z.object({ tenant_id: identifier, held: z.literal(false), lifted: z.boolean() });
export type LegalHoldLifted = z.infer<typeof legalHoldLiftedSchema>;
