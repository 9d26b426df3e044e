import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { fromPayloadJson, toPayloadJson } from '../../client/codec-server/payload-json';
import { stackPaths } from '../../common/stack-paths';
import { AesGcmPayloadCodec } from '../../common/payload-codec';
import { temporalBinary } from '../../scripts/stack/temporal';
import { startCodecEnvironment, TASK_QUEUE } from './codec-test-env';
import { historyText } from './history-text';
import { codecErasureWorkflow, codecRefusedWorkflow } from './codec-workflows';

/**
 * Needs a private Temporal dev server (the local stack's CLI binary, started by the test): with the payload codec,
 * the history Temporal stores holds no plaintext of a marker tenant id, and the codec server decodes it.
 */

let harness: Awaited<ReturnType<typeof startCodecEnvironment>>;
let client: Client;
beforeAll(async () => {
  harness = await startCodecEnvironment();
  await harness.startWorker();
  client = harness.clientWith();
}, 120_000);
afterAll(() => harness?.teardown());

function historyEvents(history: temporal.api.history.v1.IHistory) {
  return history.events ?? [];
}

describe('payloads under the codec', () => {
  const marker = `tenant-marker-${randomUUID().slice(0, 8)}`;
  const workflowId = `codec-${randomUUID()}`;

  it('round-trip for the codec’s clients: input, result, memo and summary', async () => {
    const handle = await client.workflow.start(codecErasureWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ tenantId: marker, reason: `GDPR request for ${marker}` }],
      memo: { tenant: marker },
      staticSummary: `erase ${marker}`,
    });
    expect(await handle.result()).toBe(`erased ${marker} (GDPR request for ${marker})`);
    const description = await handle.describe();
    expect(description.memo).toEqual({ tenant: marker });
    expect(await description.staticSummary()).toBe(`erase ${marker}`);
  });

  it('leave no plaintext of the tenant id anywhere in the stored history', async () => {
    const history = await harness.rawClient.workflow.getHandle(workflowId).fetchHistory();
    const events = historyEvents(history);
    expect(events.length).toBeGreaterThan(5);
    const text = await historyText(history);
    expect(text).not.toContain(marker);
    // Not vacuous: the payloads are there, encrypted under the active key, and the activity's failure too.
    expect(text).toContain('binary/encrypted');
    expect(text).toContain('test-key-1');
    const started = events.find((event) => event.activityTaskStartedEventAttributes)!;
    expect(started.activityTaskStartedEventAttributes?.lastFailure?.message).toBe('Encoded failure');
    // And the keys' holder reads the marker in the input, the result and the activity's failure message.
    const decrypted = await historyText(history, new AesGcmPayloadCodec(harness.keys));
    expect(decrypted).toContain(`"tenantId":"${marker}"`);
    expect(decrypted).toContain(`erased ${marker}`);
    expect(decrypted).toContain(`registry did not answer for tenant ${marker}`);
    // The memo and summary as describe returns them (the SDK's describe() would try to decode them).
    const description = await harness.rawClient.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId },
    });
    expect(await historyText(description)).not.toContain(marker);
    expect(await historyText(description)).toContain('binary/encrypted');
  });

  it('keep failure messages encrypted, and restore them for the codec’s clients', async () => {
    const id = `codec-refused-${randomUUID()}`;
    const error = await client.workflow
      .execute(codecRefusedWorkflow, {
        taskQueue: TASK_QUEUE,
        workflowId: id,
        args: [{ tenantId: marker, reason: 'x' }],
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.message).toBe(`tenant ${marker} is under legal hold`);
    const history = await harness.rawClient.workflow.getHandle(id).fetchHistory();
    expect(await historyText(history)).not.toContain(marker);
    const failed = historyEvents(history).find((event) => event.workflowExecutionFailedEventAttributes);
    expect(failed?.workflowExecutionFailedEventAttributes?.failure?.message).toBe('Encoded failure');
  });

  it('are decoded by the codec server, as the Web UI asks it to', async () => {
    const history = await harness.rawClient.workflow.getHandle(workflowId).fetchHistory();
    const input = historyEvents(history)[0].workflowExecutionStartedEventAttributes?.input?.payloads as Payload[];
    const response = await fetch(`${harness.codecEndpoint}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
      body: JSON.stringify({ payloads: input.map(toPayloadJson) }),
    });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: Parameters<typeof fromPayloadJson>[0][] };
    expect(defaultPayloadConverter.fromPayload(fromPayloadJson(payloads[0]))).toEqual({
      tenantId: marker,
      reason: `GDPR request for ${marker}`,
    });
  });

  it('are decoded by the Temporal CLI through the codec server, and unreadable without it', async () => {
    // Asynchronously: the codec server answering the CLI runs in this process.
    const show = (...extra: string[]) =>
      promisify(execFile)(
        temporalBinary(stackPaths()),
        ['workflow', 'show', '-w', workflowId, '--address', harness.frontendAddress, '-o', 'json', ...extra],
        { encoding: 'utf8', timeout: 30_000 },
      );
    // The JSON output keeps payload data in base64.
    const payloadData = (output: string) =>
      [...output.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map(([, data]) => Buffer.from(data, 'base64').toString());
    const decoded = payloadData((await show('--codec-endpoint', harness.codecEndpoint)).stdout);
    expect(decoded).toContain(JSON.stringify({ tenantId: marker, reason: `GDPR request for ${marker}` }));
    const raw = payloadData((await show()).stdout);
    expect(raw.length).toBe(decoded.length);
    expect(raw.join('\n')).not.toContain(marker);
  });
});
