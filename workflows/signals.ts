import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Approval, ControlResult, InstanceDeletionOutcome, InstanceSelection } from '@tenant-deletion/contract';

/**
 * Signals and updates, defined once and imported by workflows and the CLI alike. What other services send and ask
 * (requestDeletion, progress, summary) is defined in the client package (@tenant-deletion/client/definitions).
 */

export const cancelSignal = defineSignal<[InstanceSelection?]>('cancel');
export const retryFailedSignal = defineSignal<[InstanceSelection?]>('retryFailed');
export const approveSignal = defineSignal<[Approval]>('approve');

/** The same controls as updates: the validator refuses what would do nothing, the result says what happened. */
export const cancelDeletionUpdate = defineUpdate<ControlResult, [InstanceSelection?]>('cancelDeletion');
export const retryFailedDeletionUpdate = defineUpdate<ControlResult, [InstanceSelection?]>('retryFailedDeletion');
export const approveDeletionUpdate = defineUpdate<ControlResult, [Approval]>('approveDeletion');

/** A child's word to its parent that it waits on a legal hold, or resumed: the parent shows it in `progress`. */
export interface InstanceHoldChange {
  serviceInstanceId: string;
  onHold: boolean;
  reason: string | null;
}
export const instanceHoldSignal = defineSignal<[InstanceHoldChange]>('instanceHoldChanged');

/**
 * A child's outcome, sent to the parent's workflow id when it ends: children outlive the parent run that started
 * them (a continue-as-new never waits for them), so the run that is current when they end hears it this way.
 */
export interface InstanceFinished {
  serviceInstanceId: string;
  /** Which run of the instance's deletion (1, then 2 after a retry): a late outcome of an older run is ignored. */
  run: number;
  outcome: InstanceDeletionOutcome;
}
export const instanceFinishedSignal = defineSignal<[InstanceFinished]>('instanceFinished');
