import { z } from 'zod';
import { identifier, isoTimestamp } from './identifiers';

/**
 * The start input and `requestDeletion` payload of TenantDeletionWorkflow, as the contract pins it.
 * Ids only: no names, e-mails or tokens ever enter a workflow history.
 */

/** Request ids are derived from other ids (traceId + instance), so they may be longer than one identifier. */
export const requestId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters of A-Z a-z 0-9 . _ : -');

export const deletionRequestSchema = z.object({
  requestId,
  tenantId: identifier,
  requestedBy: identifier,
  traceId: identifier,
  gdprMode: z.boolean(),
  dryRun: z.boolean(),
  reason: z
    .string()
    .max(200)
    .regex(/^[\w .,:;()/-]*$/, 'must be plain text (letters, digits, spaces, . , : ; ( ) / -)')
    .optional(),
  /**
   * When the requester asked (a Kafka request's timestamp). A GDPR request is due one month later; without it the
   * month runs from when the workflow received the request.
   */
  requestedAt: isoTimestamp.optional(),
  /** No instances: the whole tenant. */
  instances: z.array(identifier).min(1).max(10_000).optional(),
});

export type DeletionRequest = z.infer<typeof deletionRequestSchema>;
