import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  type SignalDefinition,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type InstanceDeletionOutcome,
  type InstanceDeletionStatus,
  FAILURE_TYPES,
  NON_RETRYABLE_FAILURE_TYPES,
  type FailureDetails,
} from '@tenant-deletion/contract';
import type { ServiceTypeSettings } from '../common/worker-config';
import type { InstanceActivities } from '../activities/instance-activities';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { countInstanceDeletionStarted } from '../common/metrics/workflow-counters';
import { instanceFinishedSignal, instanceHoldSignal } from './signals';

export interface InstanceDeletionInput {
  tenantId: string;
  serviceInstanceId: string;
  serviceType: string;
  baseUrl: string;
  traceId: string;
  requestIds: string[];
  /** Which run of this instance's deletion (1, then 2 after a retryFailed): the parent matches outcomes to it. */
  run: number;
  idempotencyKey: string;
  holdRecheckSeconds: number;
  /** The re-check interval doubles up to this. */
  holdRecheckMaxSeconds: number;
  /** A long hold continues as new beyond this many events, so no history grows without bound. */
  holdContinueAsNewAfterEvents: number;
  settings: ServiceTypeSettings;
  /** What an earlier run of this instance's deletion hands over when a hold made it continue as new. */
  carried?: HeldState;
}

interface HeldState {
  attempts: number;
  startedAt: number;
  nextRecheckSeconds: number;
}

/**
 * Deletes one service instance's data for a tenant, on its service type's bulkhead queue. Transient failures
 * are retried by the activity's retry policy; a legal hold is waited out without spending attempts; a refusal
 * fails the instance with the service's reason. Always ends with an outcome, returned and also signalled to the
 * parent's workflow id: the parent run that started it may have continued as new since.
 */
export async function ServiceInstanceDeletionWorkflow(input: InstanceDeletionInput): Promise<InstanceDeletionOutcome> {
  // A run continued from a held one goes on with the deletion its first run started.
  if (!input.carried) countInstanceDeletionStarted(input.serviceType);
  const outcome = await deleteWithHolds(input);
  upsertSearchAttributes([{ key: DELETION_STATUS, value: outcome.status }]);
  setCurrentDetails(`**${outcome.status}**${outcome.failureReason ? `: ${outcome.failureReason}` : ''}`);
  await CancellationScope.nonCancellable(() =>
    tellParent(
      instanceFinishedSignal,
      { serviceInstanceId: input.serviceInstanceId, run: input.run, outcome },
      input.traceId,
    ),
  );
  return outcome;
}

async function deleteWithHolds(input: InstanceDeletionInput): Promise<InstanceDeletionOutcome> {
  const { settings } = input;
  const activities = proxyActivities<InstanceActivities>({
    startToCloseTimeout: `${settings.deleteTimeoutSeconds}s`,
    heartbeatTimeout: `${settings.heartbeatTimeoutSeconds}s`,
    // A cancel waits for the running delete to stop, so that what is left is counted after it, not beside it.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
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
  const outcome = (status: InstanceDeletionOutcome['status'], rest: Partial<InstanceDeletionOutcome>) => ({
    status,
    deletedCounts: {},
    attempts: 0,
    failureReason: null,
    durationMs: Date.now() - started,
    ...rest,
  });

  let attempts = input.carried?.attempts ?? 0;
  // A run continued from a held one starts held: the parent already knows.
  let onHold = input.carried !== undefined;
  let recheckSeconds = input.carried?.nextRecheckSeconds ?? input.holdRecheckSeconds;
  let shown: InstanceDeletionStatus | undefined;
  const show = (status: InstanceDeletionStatus, details: string) => {
    if (status !== shown) upsertSearchAttributes([{ key: DELETION_STATUS, value: status }]);
    setCurrentDetails(`**${status}**: ${details}`);
    shown = status;
  };
  for (;;) {
    try {
      if (!onHold) show('IN_PROGRESS', `deleting from ${input.serviceType} at ${input.baseUrl}`);
      const result = await activities.deleteInstance({
        ...target,
        requestIds: input.requestIds,
        idempotencyKey: input.idempotencyKey,
      });
      if (onHold)
        await tellParent(
          instanceHoldSignal,
          {
            serviceInstanceId: input.serviceInstanceId,
            onHold: false,
            reason: null,
          },
          input.traceId,
        );
      return outcome('COMPLETED', { deletedCounts: result.deletedCounts, attempts: attempts + result.attempt });
    } catch (error) {
      if (isCancellation(error)) return settleCancelled(activities, target, attempts, outcome);
      const failure = applicationFailureOf(error);
      attempts += attemptsOf(failure, settings.retry.maxAttempts);
      if (failure?.type !== FAILURE_TYPES.legalHold) {
        return outcome('FAILED', {
          attempts,
          failureReason: `${input.serviceType} ${input.serviceInstanceId} of tenant ${input.tenantId}: ${
            failure?.message ?? (error as Error).message
          }`,
        });
      }
      // A hold is not a failure: no attempt is spent. Holds last days or months: re-checks back off, the parent
      // hears of changes only (its signal count is capped at 10,000 a run), and the history is handed to a new
      // run before it grows large.
      attempts -= 1;
      show('ON_HOLD', `${failure.message}; next re-check in ${recheckSeconds} s`);
      if (!onHold) {
        onHold = true;
        await tellParent(
          instanceHoldSignal,
          {
            serviceInstanceId: input.serviceInstanceId,
            onHold: true,
            reason: failure.message,
          },
          input.traceId,
        );
      }
      try {
        await sleep(recheckSeconds * 1_000);
      } catch (sleepError) {
        if (isCancellation(sleepError)) return settleCancelled(activities, target, attempts, outcome);
        throw sleepError;
      }
      recheckSeconds = Math.min(recheckSeconds * 2, input.holdRecheckMaxSeconds);
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > input.holdContinueAsNewAfterEvents) {
        await continueAsNew<typeof ServiceInstanceDeletionWorkflow>({
          ...input,
          carried: { attempts, startedAt: started, nextRecheckSeconds: recheckSeconds },
        });
      }
    }
  }
}

/**
 * The parent's workflow id alone reaches its current run, also after a reset or a continue-as-new. `traceId` (the
 * contract's) goes on the log line: the SDK writes it outside the workflow's span, and the ledger knows the trace id.
 */
async function tellParent<T>(signal: SignalDefinition<[T]>, payload: T, traceId: string): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await getExternalWorkflowHandle(parent.workflowId).signal(signal, payload);
  } catch (error) {
    // A parent that has ended (terminated by an operator) has no one left to tell.
    log.warn('could not signal the parent workflow', {
      parent: parent.workflowId,
      traceId,
      error: (error as Error).message,
    });
  }
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
