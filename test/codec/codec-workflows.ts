import { ApplicationFailure, condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './codec-activities';

/** Trivial workflows whose input, result, activity calls and failures all carry the tenant id. */

const { recordErasure } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '50 milliseconds', maximumAttempts: 3 },
});

export interface ErasureInput {
  tenantId: string;
  reason: string;
}

export async function codecErasureWorkflow(input: ErasureInput): Promise<string> {
  const receipt = await recordErasure(input.tenantId);
  return `${receipt} (${input.reason})`;
}

export async function codecRefusedWorkflow(input: ErasureInput): Promise<never> {
  throw ApplicationFailure.nonRetryable(`tenant ${input.tenantId} is under legal hold`, 'LegalHold');
}

export const proceedSignal = defineSignal<[{ note: string }]>('proceed');

/** Waits for a signal, so it can outlive a key rotation: started under one key, finished under the next. */
export async function codecRotationWorkflow(input: ErasureInput): Promise<string> {
  let note: string | undefined;
  setHandler(proceedSignal, (signal) => {
    note = signal.note;
  });
  await condition(() => note !== undefined);
  return `${await recordErasure(input.tenantId)} after ${note}`;
}
