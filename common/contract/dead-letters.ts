import { z } from 'zod';
import { isoTimestamp } from './identifiers';

/**
 * What the bridge writes to tenant.deletion.dlq for a request it did not hand over. We produce it, so it only ever
 * gains optional fields (and codes): consumers must ignore fields they do not know.
 */

export const DLQ_CODES = [
  'INVALID_JSON',
  'INVALID_MESSAGE',
  'KEY_MISMATCH',
  'TOO_LARGE',
  'UNKNOWN_TOPIC',
  /** No `authorization` token, or one that fails verification (signature, issuer, audience, expiry). */
  'UNAUTHENTICATED',
  /** A valid token whose subject may not delete this tenant (not an operator, requesting system, owner or admin). */
  'FORBIDDEN',
  /** Valid, but older than REQUEST_MAX_AGE_HOURS. */
  'STALE',
  /** Valid, but the ledger says this request's deletion already ended. */
  'DUPLICATE',
  /** Valid, but Temporal refused the start for good (invalid argument, failed precondition). */
  'HANDOVER_REJECTED',
] as const;

export const dlqCode = z.enum(DLQ_CODES);
export type DlqCode = z.infer<typeof dlqCode>;

/** One schema problem of an INVALID_MESSAGE: where, which zod check, and a message naming the field and rule. */
export const dlqIssueSchema = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type DlqIssue = z.infer<typeof dlqIssueSchema>;

export const dlqErrorSchema = z.object({ code: dlqCode, message: z.string(), issues: z.array(dlqIssueSchema) });
export type DlqError = z.infer<typeof dlqErrorSchema>;

export const deadLetterSchema = z.object({
  error: dlqErrorSchema,
  source: z
    .object({
      topic: z.string(),
      partition: z.number().int().nonnegative(),
      offset: z.string().regex(/^\d+$/).describe('A decimal string: Kafka offsets exceed 2^53.'),
      key: z.string().nullable(),
    })
    .describe('Where the refused record was read.'),
  value: z
    .string()
    .describe(
      'The original value as text, cut to BRIDGE_MAX_MESSAGE_BYTES, with every token redacted: the `authorization` ' +
        "field's value and anything else shaped like a signed JWT read `[REDACTED]`.",
    ),
  at: isoTimestamp,
});

export type DeadLetter = z.infer<typeof deadLetterSchema>;
