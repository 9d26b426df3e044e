import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { BrowserContext } from 'playwright-core';
import { serviceInstanceWorkflowId, tenantWorkflowId } from '@tenant-deletion/contract';
import { deletionsQuery, WebUi } from '../../client/cli/web-ui';
import { requestDeletion, progressQuery } from '@tenant-deletion/client';
import type { RunningFleet } from '../../services/fleet/fleet';
import { DELETION_STATUS } from '@tenant-deletion/client/search-attributes';
import { cancelSignal } from '../../workflows/signals';
import { countsTotal } from '../../workflows/tenant-progress';
import type { TenantDeletionWorkflow } from '../../workflows/tenant-deletion-workflow';
import {
  config,
  E2E_INSTANCES,
  seed,
  seedOn,
  setFaults,
  startE2eFleet,
  startWorkers,
  temporalClient,
  uniqueTenant,
} from '../e2e/e2e-stack';
import { until } from '../until';
import { ensureStackCodecServer } from './stack-codec-server';
import { launchChromium, waitForFrameText, warmedContext } from './web-ui-browser';

/**
 * The local stack's Temporal Web UI as the admins' console, in a real browser (Debian's Chromium, playwright-core),
 * after real deletions on the real stack and fleet (test/e2e/e2e-stack.ts): a whole-tenant GDPR deletion that
 * completed, and a deletion whose service refused it (422), so that its instance FAILED. Payloads are encrypted, so
 * the UI decodes them through the stack's codec server. The links are built as `tdel` builds them.
 */

const SCREENSHOTS = path.resolve(__dirname, '../../test-results/webui');
/** The failed tenant lives on this instance only, so its deletion waits for no other service. */
const FAILING = 'production-1';
const RECORDS = 200;
const REFUSAL = 'a data export of this tenant is running: retry when it ends';

const webUi = new WebUi(process.env, config.TEMPORAL_NAMESPACE);
const completedTenant = uniqueTenant('ui');
const failedTenant = uniqueTenant('ui-failed');
const completedId = tenantWorkflowId(completedTenant);
const failedId = tenantWorkflowId(failedTenant);

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let codecServer: Awaited<ReturnType<typeof ensureStackCodecServer>>;
let context: BrowserContext;
let completedRunId: string;
let deletedRecords: number;
let failed: WorkflowHandle<typeof TenantDeletionWorkflow> | undefined;

/** Waits until Temporal's visibility, which the UI's lists read, lists the workflow under the query. */
async function visible(query: string, workflowId: string): Promise<void> {
  const listed = async () => {
    for await (const info of temporal.client.workflow.list({ query })) if (info.workflowId === workflowId) return true;
    return false;
  };
  await until(listed, `visibility to list ${workflowId} under ${query}`, 30_000);
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  fleet = await startE2eFleet();
  // No approval threshold, so no admission preview: the failing service's first request is its DELETE.
  workers = await startWorkers(fleet, undefined, { approvalThresholdRecords: null });
  temporal = await temporalClient();
  codecServer = await ensureStackCodecServer(webUi.base, config.TEMPORAL_NAMESPACE);
  await seed(fleet, completedTenant, RECORDS);
  await seedOn(fleet, failedTenant, RECORDS, [FAILING]);

  const completed = await requestDeletion(temporal.client, {
    requestId: `r-${randomUUID()}`,
    tenantId: completedTenant,
    requestedBy: 'admin-1',
    traceId: 'trace-ui',
    gdprMode: true,
    dryRun: false,
  });
  const result = await completed.result();
  expect(result.status).toBe('COMPLETED');
  completedRunId = (await completed.describe()).runId;
  deletedRecords = result.instances.reduce((sum, instance) => sum + countsTotal(instance.deletedCounts), 0);

  // The service refuses the deletion with a 422, which fails the instance at once with the service's reason.
  await setFaults(fleet, FAILING, { nextAnswers: [{ status: 422, code: 'EXPORT_RUNNING', message: REFUSAL }] });
  try {
    failed = await requestDeletion(temporal.client, {
      requestId: `r-${randomUUID()}`,
      tenantId: failedTenant,
      requestedBy: 'admin-1',
      traceId: 'trace-ui-failed',
      gdprMode: false,
      dryRun: false,
    });
    const handle = failed;
    await until(
      async () => (await handle.describe()).typedSearchAttributes.get(DELETION_STATUS) === 'FAILED',
      `${failedId} to show DeletionStatus FAILED`,
      60_000,
    );
  } finally {
    await setFaults(fleet, FAILING, {});
  }

  context = await warmedContext(await launchChromium(), [
    webUi.query(deletionsQuery()),
    `${webUi.tenant(completedTenant)}/${completedRunId}/user-metadata`,
  ]);
}, 240_000);
afterAll(async () => {
  await context?.browser()?.close();
  await codecServer?.close();
  if (failed) {
    // Cancelled, the deletion ends and leaves the FAILED list, as an admin's cancel would.
    const handle = failed;
    await handle.signal(cancelSignal).catch(() => undefined);
    await until(async () => (await handle.describe()).status.name !== 'RUNNING', `${failedId} to end`, 30_000).catch(
      () => handle.terminate('web-ui test cleanup'),
    );
  }
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
}, 60_000);

describe('the Temporal Web UI of the local stack', () => {
  it('lists a tenant’s deletion and its children under a TenantId filter', async () => {
    const query = `TenantId="${completedTenant}"`;
    const ids = [
      completedId,
      ...E2E_INSTANCES.map((i) => serviceInstanceWorkflowId(completedTenant, i.serviceInstanceId)),
    ];
    await until(
      async () => (await temporal.client.workflow.count(query)).count === ids.length,
      `visibility to list ${ids.length} workflows under ${query}`,
      30_000,
    );
    const page = await context.newPage();
    await page.goto(webUi.query(query));
    for (const id of ids) await page.getByText(id, { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tenant-filter.png'), fullPage: true });
  });

  it('shows the parent’s summary, its current details and its children', async () => {
    const page = await context.newPage();
    await page.goto(`${webUi.tenant(completedTenant)}/${completedRunId}/user-metadata`);
    await waitForFrameText(page, `delete tenant ${completedTenant}: whole tenant, GDPR`);
    // The tab's "Events with Metadata": each child's start, with its summary, once.
    for (const { serviceType, serviceInstanceId } of E2E_INSTANCES) {
      await page
        .getByText(`delete ${serviceType} ${serviceInstanceId} of tenant ${completedTenant} (GDPR)`, { exact: true })
        .waitFor({ timeout: 30_000 });
    }
    const instances = E2E_INSTANCES.length;
    await waitForFrameText(
      page,
      `COMPLETED: ${instances} of ${instances} instances deleted, ${deletedRecords} records`,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'parent-details.png'), fullPage: true });

    await page.goto(`${webUi.tenant(completedTenant)}/${completedRunId}/relationships`);
    for (const { serviceInstanceId } of E2E_INSTANCES) {
      await page
        .getByText(serviceInstanceWorkflowId(completedTenant, serviceInstanceId), { exact: true })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'parent-children.png'), fullPage: true });
  });

  it('lists a failed deletion, and not a completed one, under the failed-deletions link', async () => {
    // The instance failed for real: the service's own refusal of the DELETE, on the first attempt.
    const progress = await failed!.query(progressQuery);
    expect(progress.instances).toEqual([
      expect.objectContaining({
        serviceInstanceId: FAILING,
        status: 'FAILED',
        attempts: 1,
        lastError: `production ${FAILING} of tenant ${failedTenant}: production answered DELETE with 422: ${REFUSAL}`,
      }),
    ]);

    for (const [status, listed, notListed] of [
      ['FAILED', failedId, completedId],
      ['COMPLETED', completedId, failedId],
    ] as const) {
      const query = deletionsQuery({ status });
      await visible(query, listed);
      const page = await context.newPage();
      const response = await page.goto(webUi.query(query));
      expect(response?.status()).toBe(200);
      const row = (id: string) => page.getByRole('row').filter({ has: page.getByText(id, { exact: true }) });
      await row(listed).waitFor({ timeout: 30_000 });
      // The list came in one answer: what is not there now is not listed.
      expect(await row(notListed).count()).toBe(0);
      // The failed deletion waits, running, for an admin's retry or cancel; the completed one has ended.
      expect(await row(listed).innerText()).toContain(status === 'FAILED' ? 'Running' : 'Completed');
      await page.screenshot({ path: path.join(SCREENSHOTS, `${status.toLowerCase()}-deletions.png`), fullPage: true });
    }
  });
});
