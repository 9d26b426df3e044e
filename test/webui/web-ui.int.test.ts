import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tenantWorkflowId } from '../../common/contract';
import { requestDeletion } from '../../client/request-deletion';
import { startTestEnvironment } from '../workflows/temporal-test-env';

/**
 * The Temporal Web UI as the admins' console, in a real browser: Debian's Chromium driven by playwright-core,
 * against a private dev server with its UI, after a real (fake-fleet) deletion ran.
 */

const CHROMIUM = '/usr/bin/chromium';
const UI_PORT = 18233;
const SCREENSHOTS = path.resolve(__dirname, '../../test-results/webui');
const ui = `http://localhost:${UI_PORT}/namespaces/default`;

/** Summaries and details are markdown, rendered by the UI inside sandboxed frames. */
async function waitForFrameText(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await Promise.all(page.frames().map((frame) => frame.innerText('body').catch(() => '')));
    if (texts.some((body) => body.replace(/\s+/g, ' ').includes(text))) return;
    if (Date.now() > deadline) throw new Error(`no frame of ${page.url()} shows "${text}"`);
    await page.waitForTimeout(250);
  }
}

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let browser: Browser;
const tenantId = `ui-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  harness = await startTestEnvironment({}, { uiPort: UI_PORT });
  harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['report-1', ['db-1']], ['db-1']]);
  await (
    await requestDeletion(harness.client, {
      requestId: `r-${randomUUID()}`,
      tenantId,
      requestedBy: 'admin-1',
      traceId: 'trace-ui',
      gdprMode: true,
      dryRun: false,
    })
  ).result();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await harness?.teardown();
});

describe('the Temporal Web UI', () => {
  it('lists a tenant’s deletion and its children under a TenantId filter', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${ui}/workflows?query=${encodeURIComponent(`TenantId="${tenantId}"`)}`);
    for (const id of [
      tenantWorkflowId(tenantId),
      ...['app-1', 'report-1', 'db-1'].map((i) => `service-deletion:${tenantId}:${i}`),
    ]) {
      await page.getByText(id, { exact: true }).first().waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tenant-filter.png'), fullPage: true });
  });

  it('shows the parent’s summary, its current details and its children', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    const { runId } = await harness.client.workflow.getHandle(tenantWorkflowId(tenantId)).describe();
    await page.goto(`${ui}/workflows/${encodeURIComponent(tenantWorkflowId(tenantId))}/${runId}/history`);
    await page.getByText('User Metadata').first().click();
    await waitForFrameText(page, `delete tenant ${tenantId}: whole tenant, GDPR`);
    for (const instance of ['app-1', 'report-1', 'db-1']) {
      await page.getByText(`delete ${instance.split('-')[0]} ${instance} of tenant ${tenantId} (GDPR)`).waitFor();
    }
    await waitForFrameText(page, 'COMPLETED: 3 of 3 instances deleted, 3 records');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'parent-details.png'), fullPage: true });

    await page.goto(`${ui}/workflows/${encodeURIComponent(tenantWorkflowId(tenantId))}/${runId}/relationships`);
    for (const instance of ['app-1', 'report-1', 'db-1']) {
      await page.getByText(`service-deletion:${tenantId}:${instance}`).first().waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'parent-children.png'), fullPage: true });
  });

  it('filters failed deletions with a saved-query style link', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${ui}/workflows?query=${encodeURIComponent('DeletionStatus="FAILED"')}`);
    expect(response?.status()).toBe(200);
    await page
      .getByText(/No Workflows running|No Workflows found|No results/i)
      .first()
      .waitFor({ timeout: 30_000 });
  });
});
