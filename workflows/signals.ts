import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Approval, DeletionRequest, InstanceSelection } from '../common/deletion-request';
import type { TenantProgress } from './tenant-progress';

/** Signals and queries, defined once and imported by workflows and clients alike. */

export const requestDeletionSignal = defineSignal<[DeletionRequest]>('requestDeletion');
export const cancelSignal = defineSignal<[InstanceSelection?]>('cancel');
export const retryFailedSignal = defineSignal<[InstanceSelection?]>('retryFailed');
export const approveSignal = defineSignal<[Approval]>('approve');
export const progressQuery = defineQuery<TenantProgress>('progress');

/** A child's word to its parent that it waits on a legal hold, or resumed: the parent shows it in `progress`. */
export interface InstanceHoldChange {
  serviceInstanceId: string;
  onHold: boolean;
  reason: string | null;
}
export const instanceHoldSignal = defineSignal<[InstanceHoldChange]>('instanceHoldChanged');
