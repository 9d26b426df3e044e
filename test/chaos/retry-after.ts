import { FAILURE_TYPES } from '@tenant-deletion/contract';
import type { ActivityFacts, WorkflowFacts } from './workflow-histories';

/**
 * Proof that Retry-After was honoured, from the histories. A retried activity's history holds its schedule time
 * and its last attempt's start, attempt number and previous failure. When that failure is the service's 503 naming
 * a delay, the last attempt cannot honestly have started less than that delay after the schedule: every earlier
 * attempt and wait lies in between. So `startedAt - scheduledAt < delay` is a violation, whatever came before.
 * Second attempts whose retry policy would have waited less than the delay (deleteInstance: 200 ms) are the
 * retries that tell honouring from ignoring: had the delay been ignored, they would have started sooner.
 */

export interface RetryAfterEvidence {
  /** The Retry-After the fleet's 503s name, in ms. */
  statedDelayMs: number;
  /** Activities whose last attempt followed a 503 with Retry-After. */
  retries: number;
  /** Of those, second attempts whose own retry policy would have come sooner than the delay. */
  telling: number;
  /** Shortest schedule → start gap among the telling ones, in ms (at least their delay when honoured). */
  shortestTellingGapMs: number | null;
  /** Retries after a 503 that named no delay, or that started before it; and the first few of them. */
  violations: number;
  violationExamples: {
    workflowId: string;
    activityType: string;
    attempt: number;
    gapMs: number;
    delayMs: number | null;
  }[];
  ok: boolean;
}

export function retryAfterEvidence(histories: readonly WorkflowFacts[], statedDelayMs: number): RetryAfterEvidence {
  const retries = histories
    .flatMap((facts) => facts.activities)
    .filter(
      (a): a is ActivityFacts & Required<Pick<ActivityFacts, 'startedAt' | 'attempt' | 'previousFailure'>> =>
        a.startedAt !== undefined &&
        (a.attempt ?? 1) >= 2 &&
        a.previousFailure?.type === FAILURE_TYPES.unavailable &&
        a.previousFailure.httpStatus === 503,
    );
  const gap = (a: (typeof retries)[number]) => a.startedAt - a.scheduledAt;
  // Every 503 of the fleet names a delay (its injected ones, a busy tenant lock, a lost database): none may be lost.
  const delay = (a: (typeof retries)[number]) => a.previousFailure.nextRetryDelayMs;
  const violations = retries
    .filter((a) => delay(a) === null || gap(a) < delay(a)!)
    .map((a) => ({
      workflowId: a.workflowId,
      activityType: a.activityType,
      attempt: a.attempt,
      gapMs: gap(a),
      delayMs: delay(a),
    }));
  const telling = retries.filter((a) => a.attempt === 2 && delay(a) !== null && a.initialIntervalMs < delay(a)!);
  return {
    statedDelayMs,
    retries: retries.length,
    telling: telling.length,
    shortestTellingGapMs: telling.length === 0 ? null : Math.min(...telling.map(gap)),
    violations: violations.length,
    violationExamples: violations.slice(0, 5),
    ok: telling.length > 0 && violations.length === 0,
  };
}
