import { randomUUID } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, KEY_ID_METADATA } from '../../common/payload-codec';
import { codecKey, startCodecEnvironment, TASK_QUEUE } from './codec-test-env';
import { codecRotationWorkflow, proceedSignal } from './codec-workflows';

/**
 * Needs a private Temporal dev server (started by the test): a workflow started under one key finishes on workers
 * rotated to the next, whose codec still reads (and replays) what the old key wrote, and writes with the new one.
 */

const oldKey = codecKey('key-2024');
const newKey = codecKey('key-2025');
let harness: Awaited<ReturnType<typeof startCodecEnvironment>>;
beforeAll(async () => {
  harness = await startCodecEnvironment({ keys: [oldKey] });
}, 120_000);
afterAll(() => harness?.teardown());

function keyIds(payloads: Payload[] | null | undefined): string[] {
  return (payloads ?? []).map((payload) => Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString());
}

describe('a key rotation', () => {
  it('keeps running workflows and old payloads readable, and encrypts new ones with the new key', async () => {
    const marker = `tenant-marker-${randomUUID().slice(0, 8)}`;
    const workflowId = `codec-rotation-${randomUUID()}`;
    const before = await harness.startWorker([oldKey]);
    const handle = await harness.clientWith([oldKey]).workflow.start(codecRotationWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ tenantId: marker, reason: 'rotation' }],
    });
    // The first workflow task ran under the old key: the workflow now waits for the signal.
    await waitFor(async () =>
      (await handle.fetchHistory()).events!.some((event) => event.workflowTaskCompletedEventAttributes),
    );
    await before.stop();

    // Rotated: the new key first, the old one kept for reading. A fresh worker replays the old-key history.
    const rotated = [newKey, oldKey];
    await harness.startWorker(rotated);
    const client = harness.clientWith(rotated);
    await client.workflow.getHandle(workflowId).signal(proceedSignal, { note: 'rotated' });
    expect(await client.workflow.getHandle(workflowId).result()).toBe(`erased ${marker} after rotated`);

    const events = (await harness.rawClient.workflow.getHandle(workflowId).fetchHistory()).events!;
    const started = events[0].workflowExecutionStartedEventAttributes!;
    const signalled = events.find((event) => event.workflowExecutionSignaledEventAttributes)!;
    const completed = events.find((event) => event.workflowExecutionCompletedEventAttributes)!;
    expect(keyIds(started.input?.payloads)).toEqual(['key-2024']);
    expect(keyIds(signalled.workflowExecutionSignaledEventAttributes?.input?.payloads)).toEqual(['key-2025']);
    expect(keyIds(completed.workflowExecutionCompletedEventAttributes?.result?.payloads)).toEqual(['key-2025']);

    // Dropping the old key too early makes its payloads unreadable, and the error names the missing key.
    await expect(new AesGcmPayloadCodec([newKey]).decode(started.input!.payloads!)).rejects.toThrow(
      /encrypted with key "key-2024", which is not among the configured keys \("key-2025"\)/,
    );
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the first workflow task');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
