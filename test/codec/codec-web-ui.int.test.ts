import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, warmedContext } from '../webui/web-ui-browser';
import { startCodecEnvironment, TASK_QUEUE } from './codec-test-env';
import { codecErasureWorkflow, codecRefusedWorkflow } from './codec-workflows';

/**
 * Needs a private Temporal dev server with its Web UI started with --ui-codec-endpoint, and Debian's Chromium:
 * the UI shows encrypted payloads decoded through the codec server, and nothing readable once it is gone.
 */

const SCREENSHOTS = path.resolve(__dirname, '../../test-results/codec');
const marker = `tenant-marker-${randomUUID().slice(0, 8)}`;
// Ids without the marker: workflow ids are stored in plaintext, payloads are what the codec protects.
const erasureId = `codec-ui-${randomUUID()}`;
const refusedId = `codec-ui-refused-${randomUUID()}`;

let harness: Awaited<ReturnType<typeof startCodecEnvironment>>;
let context: BrowserContext;
/** Pages are closed after each test: an open page keeps requests to the codec server going. */
const pages: Page[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  harness = await startCodecEnvironment({ ui: true });
  await harness.startWorker();
  const client = harness.clientWith();
  await client.workflow.execute(codecErasureWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: erasureId,
    args: [{ tenantId: marker, reason: 'GDPR' }],
    staticSummary: `erase ${marker}`,
  });
  await client.workflow
    .execute(codecRefusedWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: refusedId,
      args: [{ tenantId: marker, reason: 'x' }],
    })
    .catch(() => undefined);
  // The private server's UI is cold: its list and history pages load once here, with time to spare.
  context = await warmedContext(await launchChromium(), [
    `${harness.uiUrl}/namespaces/default/workflows`,
    await historyUrl(erasureId),
  ]);
}, 180_000);
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
});
afterAll(async () => {
  await context?.browser()?.close();
  await harness?.teardown();
});

async function historyUrl(workflowId: string): Promise<string> {
  const { runId } = await harness.rawClient.workflow.getHandle(workflowId).describe();
  return `${harness.uiUrl}/namespaces/default/workflows/${workflowId}/${runId}/history`;
}

async function openHistory(workflowId: string): Promise<{ page: Page; decodeCalls: Record<string, string>[] }> {
  const page = await context.newPage();
  pages.push(page);
  const decodeCalls: Record<string, string>[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url() === `${harness.codecEndpoint}/decode`) {
      decodeCalls.push(request.headers());
    }
  });
  await page.goto(await historyUrl(workflowId));
  return { page, decodeCalls };
}

describe('the Web UI with the codec endpoint', () => {
  it('shows the decoded input, result and summary, decoded by the codec server', async () => {
    const { page, decodeCalls } = await openHistory(erasureId);
    await page.getByText(`"tenantId": "${marker}"`).first().waitFor({ timeout: 30_000 });
    await page.getByText(`"erased ${marker} (GDPR)"`).first().waitFor();
    await page.getByText(`erase ${marker}`).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'decoded-history.png'), fullPage: true });
    expect(decodeCalls.length).toBeGreaterThan(0);
    expect(decodeCalls[0]).toMatchObject({ 'x-namespace': 'default', 'content-type': 'application/json' });
  });

  it('shows a failure’s message decoded', async () => {
    const { page } = await openHistory(refusedId);
    await page.getByText(`tenant ${marker} is under legal hold`).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'decoded-failure.png'), fullPage: true });
  });

  it('shows only ciphertext and a warning when the codec server is down', async () => {
    // Gone as a crash would leave it, connections and all: the browser context keeps a spare connection open, which
    // close() alone would wait for until the server's headers timeout (60 s).
    const closing = harness.codecServer.close();
    harness.codecServer.server.closeAllConnections();
    await closing;
    const { page } = await openHistory(erasureId);
    await page
      .getByText('Codec Server could not connect')
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByText('"encryption-key-id"').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'codec-server-down.png'), fullPage: true });
    expect(await page.innerText('body')).not.toContain(marker);
  });
});
