import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeletedCounts, InstanceDeletionStatus } from '../common/deletion-outcome';
import type { ServiceTypeSettings } from '../common/worker-config';
import type { InstanceActivities } from '../activities/instance-activities';
import { FAILURE_TYPES, NON_RETRYABLE_FAILURE_TYPES, type FailureDetails } from '../activities/service-failures';
import { DELETION_STATUS } from './search-attributes';
import { instanceHoldSignal } from './signals';

export interface InstanceDeletionInput {
  tenantId: string;
  serviceInstanceId: string;
  serviceType: string;
  baseUrl: string;
  traceId: string;
  requestIds: string[];
  idempotencyKey: string;
  holdRecheckSeconds: number;
  /** The re-check interval doubles up to this; absent in inputs of runs started before it existed. */
  holdRecheckMaxSeconds?: number;
  /** A long hold continues as new beyond this many events, so no history grows without bound. */
  holdContinueAsNewAfterEvents?: number;
  settings: ServiceTypeSettings;
  /** What an earlier run of this instance's deletion hands over when a hold made it continue as new. */
  carried?: HeldState;
}

interface HeldState {
  attempts: number;
  startedAt: number;
  nextRecheckSeconds: number;
}

/** Runs of a long hold continue as new at this many events unless the input says otherwise. */
const DEFAULT_HOLD_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;
const DEFAULT_HOLD_RECHECK_MAX_SECONDS = 3_600;

export interface InstanceDeletionOutcome {
  status: Extract<InstanceDeletionStatus, 'COMPLETED' | 'FAILED' | 'CANCELLED'>;
  deletedCounts: DeletedCounts;
  attempts: number;
  failureReason: string | null;
  durationMs: number;
}

/**
 * Deletes one service instance's data for a tenant, on its service type's bulkhead queue. Transient failures
 * are retried by the activity's retry policy; a legal hold is waited out without spending attempts; a refusal
 * fails the instance with the service's reason. Always returns an outcome, so the parent never guesses.
 */
export async function ServiceInstanceDeletionWorkflow(input: InstanceDeletionInput): Promise<InstanceDeletionOutcome> {
  const { settings } = input;
  const activities = proxyActivities<InstanceActivities>({
    startToCloseTimeout: `${settings.deleteTimeoutSeconds}s`,
    heartbeatTimeout: `${settings.heartbeatTimeoutSeconds}s`,
    retry: {
      maximumAttempts: settings.retry.maxAttempts,
      initialInterval: settings.retry.initialIntervalMs,
      maximumInterval: settings.retry.maxIntervalMs,
      backoffCoefficient: settings.retry.backoffCoefficient,
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
    },
  });
  const started = input.carried?.startedAt ?? Date.now();
  const target = {
    tenantId: input.tenantId,
    serviceInstanceId: input.serviceInstanceId,
    serviceType: input.serviceType,
    baseUrl: input.baseUrl,
    traceId: input.traceId,
  };
  const outcome = (status: InstanceDeletionOutcome['status'], rest: Partial<InstanceDeletionOutcome>) => {
    upsertSearchAttributes([{ key: DELETION_STATUS, value: status }]);
    setCurrentDetails(`**${status}**${rest.failureReason ? `: ${rest.failureReason}` : ''}`);
    return {
      status,
      deletedCounts: {},
      attempts: 0,
      failureReason: null,
      durationMs: Date.now() - started,
      ...rest,
    };
  };

  let attempts = input.carried?.attempts ?? 0;
  // A run continued from a held one starts held: the parent already knows.
  let onHold = input.carried !== undefined;
  let recheckSeconds = input.carried?.nextRecheckSeconds ?? input.holdRecheckSeconds;
  // Set once a hold is met with the back-off in place: from then on re-checks write no status events.
  let backsOff = input.carried !== undefined;
  let shown: InstanceDeletionStatus | undefined;
  const show = (status: InstanceDeletionStatus, details: string) => {
    if (status === shown) setCurrentDetails(`**${status}**: ${details}`);
    else setStatus(status, details);
    shown = status;
  };
  for (;;) {
    try {
      if (!(backsOff && onHold)) setStatus('IN_PROGRESS', `deleting from ${input.serviceType} at ${input.baseUrl}`);
      const result = await activities.deleteInstance({
        ...target,
        requestIds: input.requestIds,
        idempotencyKey: input.idempotencyKey,
      });
      if (onHold) await tellParent(input.serviceInstanceId, false, null);
      return outcome('COMPLETED', { deletedCounts: result.deletedCounts, attempts: attempts + result.attempt });
    } catch (error) {
      if (isCancellation(error)) return settleCancelled(activities, target, attempts, outcome);
      const failure = applicationFailureOf(error);
      attempts += attemptsOf(failure, settings.retry.maxAttempts);
      if (failure?.type === FAILURE_TYPES.legalHold) {
        // A hold is not a failure: no attempt is spent, and the instance waits, visibly, until it is lifted.
        attempts -= 1;
        backsOff = patched('hold-backoff');
        if (!backsOff) {
          // Runs started before the back-off keep their recorded behaviour: a fixed interval, the parent told each time.
          onHold = true;
          setStatus('ON_HOLD', `${failure.message}; re-checking every ${input.holdRecheckSeconds} s`);
          await tellParent(input.serviceInstanceId, true, failure.message);
          try {
            await sleep(`${input.holdRecheckSeconds}s`);
          } catch (sleepError) {
            if (isCancellation(sleepError)) return settleCancelled(activities, target, attempts, outcome);
            throw sleepError;
          }
          continue;
        }
        // Holds last days or months: re-checks back off, the parent hears of changes only (its signal count is
        // capped at 10,000 a run), and the history is handed to a new run before it grows large.
        show('ON_HOLD', `${failure.message}; next re-check in ${recheckSeconds} s`);
        if (!onHold) {
          onHold = true;
          await tellParent(input.serviceInstanceId, true, failure.message);
        }
        try {
          await sleep(recheckSeconds * 1_000);
        } catch (sleepError) {
          if (isCancellation(sleepError)) return settleCancelled(activities, target, attempts, outcome);
          throw sleepError;
        }
        recheckSeconds = Math.min(recheckSeconds * 2, input.holdRecheckMaxSeconds ?? DEFAULT_HOLD_RECHECK_MAX_SECONDS);
        const info = workflowInfo();
        const budget = input.holdContinueAsNewAfterEvents ?? DEFAULT_HOLD_CONTINUE_AS_NEW_AFTER_EVENTS;
        if (info.continueAsNewSuggested || info.historyLength > budget) {
          await continueAsNew<typeof ServiceInstanceDeletionWorkflow>({
            ...input,
            carried: { attempts, startedAt: started, nextRecheckSeconds: recheckSeconds },
          });
        }
        continue;
      }
      return outcome('FAILED', {
        attempts,
        failureReason: `${input.serviceType} ${input.serviceInstanceId} of tenant ${input.tenantId}: ${
          failure?.message ?? (error as Error).message
        }`,
      });
    }
  }
}

function setStatus(status: InstanceDeletionStatus, details: string): void {
  upsertSearchAttributes([{ key: DELETION_STATUS, value: status }]);
  setCurrentDetails(`**${status}**: ${details}`);
}

async function tellParent(serviceInstanceId: string, onHold: boolean, reason: string | null): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  // The parent's workflow id alone reaches its current run, also after a reset or a continue-as-new.
  const runId = patched('hold-signal-to-current-run') ? undefined : parent.runId;
  await getExternalWorkflowHandle(parent.workflowId, runId).signal(instanceHoldSignal, {
    serviceInstanceId,
    onHold,
    reason,
  });
}

/** After a cancel, find out what is left so the outcome says exactly what was and was not deleted. */
async function settleCancelled(
  activities: InstanceActivities,
  target: Parameters<InstanceActivities['settleCancelledInstance']>[0],
  attempts: number,
  outcome: (status: 'CANCELLED', rest: Partial<InstanceDeletionOutcome>) => InstanceDeletionOutcome,
): Promise<InstanceDeletionOutcome> {
  return CancellationScope.nonCancellable(async () => {
    const left = await activities.settleCancelledInstance(target);
    const remaining = Object.entries(left).filter(([, n]) => n > 0);
    return outcome('CANCELLED', {
      attempts,
      failureReason:
        remaining.length === 0
          ? 'cancelled by an admin after the service had deleted everything'
          : `cancelled by an admin; still present: ${remaining.map(([table, n]) => `${table} ${n}`).join(', ')}`,
    });
  });
}

function applicationFailureOf(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause;
  return error instanceof ApplicationFailure ? error : undefined;
}

function attemptsOf(failure: ApplicationFailure | undefined, maxAttempts: number): number {
  const details = failure?.details?.[0] as FailureDetails | undefined;
  return details?.attempt ?? maxAttempts;
}
