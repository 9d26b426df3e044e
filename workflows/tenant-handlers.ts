import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import { approvalSchema, deletionRequestSchema, instanceSelectionSchema } from '@tenant-deletion/contract';
import {
  approveDeletionUpdate,
  approveSignal,
  cancelDeletionUpdate,
  cancelSignal,
  instanceFinishedSignal,
  instanceHoldSignal,
  retryFailedDeletionUpdate,
  retryFailedSignal,
} from './signals';
import { progressQuery, requestDeletionSignal, summaryQuery } from '@tenant-deletion/client/definitions';
import { type TenantState, ControlRefused } from './tenant-state';

/**
 * The tenant workflow's signals, updates and queries. Each applies to the state at once; the main loop carries
 * out what that leaves in the outbox. A malformed signal changes nothing (it is logged, by id only); an update's
 * validator refuses it with a reason, and its result says what changed. `onSignal` counts signals, which Temporal
 * caps per run.
 */
export function handleTenantMessages(state: TenantState, now: () => number, onSignal: () => void): void {
  const { tenantId } = state;
  const signalled =
    <T>(what: string, schema: z.ZodType<T>, apply: (input: T) => void) =>
    (value: unknown) => {
      onSignal();
      const parsed = schema.safeParse(value ?? {});
      if (parsed.success) apply(parsed.data);
      else log.warn(`ignored a malformed ${what} signal`, { tenantId, reason: issues(parsed.error) });
    };
  /** An update's validator: a malformed input or a refused control fails the update with the reason. */
  const validated =
    <T>(what: string, schema: z.ZodType<T>, validate: (input: T) => void) =>
    (value?: unknown) => {
      const parsed = schema.safeParse(value ?? {});
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(`malformed ${what}: ${issues(parsed.error)}`, 'InvalidControl');
      }
      try {
        validate(parsed.data);
      } catch (error) {
        if (error instanceof ControlRefused) throw ApplicationFailure.nonRetryable(error.message, 'ControlRefused');
        throw error;
      }
    };

  setHandler(requestDeletionSignal, (request) => {
    onSignal();
    const parsed = deletionRequestSchema.safeParse(request);
    if (!parsed.success || parsed.data.tenantId !== tenantId) {
      log.warn('ignored a malformed requestDeletion signal', { tenantId });
      return;
    }
    state.receive(parsed.data);
  });
  setHandler(
    cancelSignal,
    signalled('cancel', instanceSelectionSchema, (selection) => state.cancel(selection, now())),
  );
  setHandler(
    retryFailedSignal,
    signalled('retryFailed', instanceSelectionSchema, (selection) => state.retry(selection)),
  );
  setHandler(
    approveSignal,
    signalled('approve', approvalSchema, (approval) => {
      // A signal has no one to answer: what the update would refuse (a self-approval) is dropped and logged.
      try {
        state.validateApproval(approval);
        state.approve(approval);
      } catch (error) {
        log.warn('ignored an approve signal', { tenantId, reason: (error as Error).message });
      }
    }),
  );

  // Validators run before the update is written to history: a refused one leaves no trace and changes nothing.
  setHandler(cancelDeletionUpdate, (selection) => state.cancel(instanceSelectionSchema.parse(selection ?? {}), now()), {
    validator: validated('cancelDeletion', instanceSelectionSchema, (selection) => state.validateCancel(selection)),
  });
  setHandler(retryFailedDeletionUpdate, (selection) => state.retry(instanceSelectionSchema.parse(selection ?? {})), {
    validator: validated('retryFailedDeletion', instanceSelectionSchema, (selection) => state.validateRetry(selection)),
  });
  setHandler(approveDeletionUpdate, (approval) => state.approve(approvalSchema.parse(approval)), {
    validator: validated('approveDeletion', approvalSchema, (approval) => state.validateApproval(approval)),
  });

  setHandler(instanceHoldSignal, ({ serviceInstanceId, onHold, reason }) => {
    onSignal();
    state.hold(serviceInstanceId, onHold, reason);
  });
  setHandler(instanceFinishedSignal, ({ serviceInstanceId, run, outcome }) => {
    onSignal();
    state.finish(serviceInstanceId, run, outcome, now());
  });
  setHandler(progressQuery, () => state.progress());
  setHandler(summaryQuery, () => state.summary());
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'} ${issue.message}`).join('; ');
}
