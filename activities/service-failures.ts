import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES, type FailureDetails, type FailureType } from '@tenant-deletion/contract';

/** The typed failure a service call ends in; its type decides whether Temporal retries it. */
export function serviceFailure(
  type: FailureType,
  message: string,
  details: FailureDetails,
  nextRetryDelayMs?: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    details: [details],
    nonRetryable: NON_RETRYABLE_FAILURE_TYPES.includes(type),
    nextRetryDelay: nextRetryDelayMs,
  });
}
