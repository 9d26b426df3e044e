import { z } from 'zod';

/**
 * The failure types a service call ends in. Retryable ones let Temporal's retry policy back off (with the
 * service's Retry-After as the next delay); the others fail the instance at once with the service's reason.
 * Workflows and activities both read them, so they live in the contract, not beside the activities.
 */
export const FAILURE_TYPES = {
  unavailable: 'ServiceUnavailable',
  unreachable: 'ServiceUnreachable',
  timeout: 'ServiceTimeout',
  rejected: 'ServiceRejected',
  legalHold: 'LegalHold',
  underDeletion: 'UnderDeletion',
  protocol: 'ServiceProtocolError',
} as const;

export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

export const NON_RETRYABLE_FAILURE_TYPES: FailureType[] = [
  FAILURE_TYPES.rejected,
  FAILURE_TYPES.legalHold,
  FAILURE_TYPES.underDeletion,
  FAILURE_TYPES.protocol,
];

/** What a failed attempt reports to the workflow beside its message. */
export const failureDetailsSchema = z.object({
  attempt: z.number().int().positive(),
  httpStatus: z.number().int().optional(),
});
export type FailureDetails = z.infer<typeof failureDetailsSchema>;
