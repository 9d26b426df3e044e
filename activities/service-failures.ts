import { ApplicationFailure } from '@temporalio/common';

/**
 * The failure types a service call ends in. Retryable ones let Temporal's retry policy back off (with the
 * service's Retry-After as the next delay); the others fail the instance at once with the service's reason.
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

export const NON_RETRYABLE_FAILURE_TYPES = [
  FAILURE_TYPES.rejected,
  FAILURE_TYPES.legalHold,
  FAILURE_TYPES.underDeletion,
  FAILURE_TYPES.protocol,
];

/** What a failed attempt reports to the workflow beside its message. */
export interface FailureDetails {
  attempt: number;
  httpStatus?: number;
}

export function serviceFailure(
  type: (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES],
  message: string,
  details: FailureDetails,
  nextRetryDelayMs?: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    details: [details],
    nonRetryable: (NON_RETRYABLE_FAILURE_TYPES as string[]).includes(type),
    nextRetryDelay: nextRetryDelayMs,
  });
}
