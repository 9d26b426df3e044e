/**
 * delete, status, list, cancel, retry and approve end to end: `tdel` spawned as a process against a private Temporal dev
 * server (the stack's temporal binary, started by the test) whose workers run the fake fleet's activities, so
 * workflows run without services and without meeting other developers' workers on the shared stack. delete,
 * cancel, retry and approve go through the deletion API in process (api-fixture.ts: the real registry, the local
 * development issuer's key) as operator cli-test, the development token tdel signs for TDEL_USER.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { serviceFailure } from '../../activities/service-failures';
import { FAILURE_TYPES, tenantWorkflowId } from '@tenant-deletion/contract';
import type { TenantView } from '../../client/cli/tenant-view';
import { untilCancelled } from '../workflows/fake-fleet';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { until } from '../until';
import { startCliApi, type CliApi } from './api-fixture';
import { json, looksLikeCrash, REPO, TDEL, tdel as run, type TdelRun } from './run-tdel';

jest.setTimeout(120_000);

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let api: CliApi;
beforeAll(async () => {
  harness = await startTestEnvironment();
  api = await startCliApi(harness.client);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await harness?.teardown();
});

const cliEnv = () => ({
  TEMPORAL_ADDRESS: harness.env.address,
  TDEL_API_URL: api.url,
  TDEL_USER: 'cli-test',
  TDEL_TOKEN: undefined,
  AUTH_ISSUER: undefined,
});
const tdel = (args: string[]) => run(args, { env: cliEnv() });

/** `tdel` as a process whose stdout can be read while it runs (run-tdel's `tdel` hands it over at the end). */
function tdelInBackground(args: string[]): { stdout(): string; done: Promise<TdelRun> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TDEL_POLL_MS: '200', ...cliEnv() };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(TDEL, args, {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<TdelRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { stdout: () => stdout, done };
}

function newTenant(): string {
  return `cli-${randomUUID().slice(0, 8)}`;
}

/** app-1 needs cache-1 and db-1; cache-1 needs db-1. The tenant is registered, so that the API knows it. */
async function seed(tenantId: string): Promise<void> {
  await api.register(tenantId);
  harness.fleet.addTenant(tenantId, [['app-1', ['cache-1', 'db-1']], ['cache-1', ['db-1']], ['db-1']]);
}

/**
 * Holds an instance's deletion IN_PROGRESS until the returned function is called; it then deletes 4 rows. The held
 * activity heartbeats, so that a slow machine cannot turn the hold into heartbeat timeouts.
 */
function holdDeletion(tenantId: string, serviceInstanceId: string): () => void {
  let released = false;
  harness.fleet.behave(tenantId, serviceInstanceId, async () => {
    while (!released) {
      Context.current().heartbeat();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { rows: 4 };
  });
  return () => {
    released = true;
  };
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

interface ListDocument {
  query: string;
  webUiUrl: string;
  count: number;
  truncated: boolean;
  workflows: { tenantId: string; workflowId: string; deletionStatus: string | null; workflowStatus: string }[];
}

async function listed(status: string, tenantId: string): Promise<ListDocument['workflows'][number]> {
  return eventually(`${tenantId} in tdel list --status ${status}`, async () => {
    const result = await tdel(['list', '--status', status, '--json']);
    expect(result.code).toBe(0);
    return json<ListDocument>(result).workflows.find((w) => w.tenantId === tenantId);
  });
}

function expectClean(result: TdelRun): void {
  expect(looksLikeCrash(result.stderr)).toBe(false);
}

describe('tdel against a private Temporal server', () => {
  it('delete prints the workflow id and Web UI link; status --json and list --json show the result', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    const requested = await tdel(['delete', tenantId, '--gdpr', '--reason', 'contract-ended']);
    expectClean(requested);
    expect(requested.code).toBe(0);
    expect(requested.stdout).toContain(`workflow  tenant-deletion:${tenantId}`);
    expect(requested.stdout).toContain(
      `http://localhost:8233/namespaces/default/workflows/tenant-deletion:${tenantId}`,
    );
    expect(requested.stdout).toMatch(new RegExp(`request {3}api-[0-9a-f-]{36}:${tenantId}`));
    expect(requested.stdout).toContain('  as        cli-test');
    expect(requested.stderr).toContain('signed a local development token for cli-test (role operator');

    await harness.client.workflow.getHandle(tenantWorkflowId(tenantId)).result();
    const status = await tdel(['status', tenantId, '--json']);
    expect(status.code).toBe(0);
    const view = json<TenantView>(status);
    expect(view).toMatchObject({
      tenantId,
      workflowId: `tenant-deletion:${tenantId}`,
      workflowStatus: 'COMPLETED',
      status: 'COMPLETED',
      source: 'result',
      webUiUrl: `http://localhost:8233/namespaces/default/workflows/tenant-deletion:${tenantId}`,
      totals: { instances: 3, COMPLETED: 3, FAILED: 0, deletedRecords: 3 },
    });
    expect(view.instances.map((i) => i.serviceInstanceId).sort()).toEqual(['app-1', 'cache-1', 'db-1']);
    expect(view.instances[0]).toEqual({
      serviceInstanceId: expect.any(String),
      serviceType: expect.any(String),
      status: 'COMPLETED',
      deletedCounts: { rows: 1 },
      deletedRecords: 1,
      attempts: 1,
      lastError: null,
      requestIds: [],
      startedAt: null,
      finishedAt: null,
    });
    expect(view.requests).toEqual([expect.objectContaining({ status: 'COMPLETED', dryRun: false })]);

    const text = await tdel(['status', tenantId]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/tenant .+: COMPLETED/);
    expect(text.stdout).toContain('3/3 instances deleted');

    const row = await listed('COMPLETED', tenantId);
    expect(row).toMatchObject({ workflowId: `tenant-deletion:${tenantId}`, workflowStatus: 'COMPLETED' });
    const all = await tdel(['list', '--json', '--limit', '1000']);
    const document = json<ListDocument>(all);
    expect(document.query).toBe('WorkflowType="TenantDeletionWorkflow"');
    expect(document.workflows.some((w) => w.tenantId === tenantId)).toBe(true);
    const failedOnly = json<ListDocument>(await tdel(['list', '--status', 'FAILED', '--json']));
    expect(failedOnly.query).toBe('WorkflowType="TenantDeletionWorkflow" AND DeletionStatus="FAILED"');
    expect(failedOnly.webUiUrl).toBe(
      'http://localhost:8233/namespaces/default/workflows?query=' + encodeURIComponent(failedOnly.query),
    );
    expect(failedOnly.workflows.some((w) => w.tenantId === tenantId)).toBe(false);

    const text2 = await tdel(['list', '--status', 'COMPLETED']);
    expect(text2.stdout).toContain(tenantId);
    expect(text2.stdout).toContain('Web UI: http://localhost:8233/namespaces/default/workflows?query=');
  });

  it('delete --wait follows to the end: exit 0 when COMPLETED, with the outcome as JSON', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    const result = await tdel(['delete', tenantId, '--wait', '--json']);
    expectClean(result);
    expect(result.code).toBe(0);
    const document = json<{ outcome: string; requestId: string; tenant: TenantView }>(result);
    expect(document.outcome).toBe('COMPLETED');
    expect(document.tenant.status).toBe('COMPLETED');
    expect(document.tenant.totals.COMPLETED).toBe(3);
  });

  it('status shows a running deletion from the progress query; --watch draws progress lines until the end', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    const release = holdDeletion(tenantId, 'app-1');
    expect((await tdel(['delete', tenantId])).code).toBe(0);
    const running = await eventually('app-1 in progress', async () => {
      const view = json<TenantView>(await tdel(['status', tenantId, '--json']));
      return view.instances.find((i) => i.status === 'IN_PROGRESS') ? view : undefined;
    });
    expect(running).toMatchObject({ source: 'progress', workflowStatus: 'RUNNING', status: 'IN_PROGRESS' });
    expect(running.instances.find((i) => i.serviceInstanceId === 'app-1')).toMatchObject({
      status: 'IN_PROGRESS',
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestIds: [expect.stringMatching(/^api-/)],
    });
    expect(running.requests[0]).toMatchObject({ requestedBy: 'cli-test', wholeTenant: true, gdprMode: false });

    // Nothing FAILED and nothing held: the workflow's validators refuse, and the CLI says why (exit 1).
    const retryNothing = await tdel(['retry', tenantId]);
    expectClean(retryNothing);
    expect(retryNothing.code).toBe(1);
    expect(retryNothing.stderr).toContain(`error: retry refused: nothing to retry for tenant ${tenantId}`);
    const approveNothing = await tdel(['approve', tenantId, '--json']);
    expect(approveNothing.code).toBe(1);
    expect(json<{ error: { code: string; message: string } }>(approveNothing).error).toMatchObject({
      code: 'REFUSED',
      message: `approve refused: nothing awaits approval for tenant ${tenantId}`,
    });

    const watching = tdelInBackground(['status', tenantId, '--watch']);
    // Released only once the watcher has drawn app-1 running, so that its output must show both states.
    await until(
      () => /app-1 {2}IN_PROGRESS/.test(watching.stdout()),
      'tdel status --watch to draw app-1 IN_PROGRESS',
      30_000,
    );
    release();
    const watched = await watching.done;
    expectClean(watched);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/app-1 {2}IN_PROGRESS/);
    expect(watched.stdout).toMatch(/app-1 {2}COMPLETED/);
    expect(watched.stdout).toMatch(/tenant .+ {2}COMPLETED: 3\/3 instances deleted, 6 records/);
    // It ends with the whole deletion in its final state, as `tdel status` prints it.
    expect(watched.stdout).toMatch(/tenant .+: COMPLETED {2}\(workflow tenant-deletion:.+, completed\)/);
    expect(watched.stdout).toMatch(/app-1\s+app\s+COMPLETED\s+4\s+1/);
  });

  it('a failed instance: delete --wait exits 1, list finds it FAILED, retry reaches the workflow and it completes', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    let refuse = true;
    harness.fleet.behave(tenantId, 'cache-1', async (_input, attempt) => {
      if (refuse)
        throw serviceFailure(FAILURE_TYPES.rejected, 'cache answered DELETE with 422: schema drift', { attempt });
      return { keys: 3 };
    });
    const waited = await tdel(['delete', tenantId, '--wait']);
    expectClean(waited);
    expect(waited.code).toBe(1);
    expect(waited.stdout).toMatch(/cache-1\s+cache\s+FAILED/);
    expect(waited.stdout).toContain(`\`tdel retry ${tenantId}\``);

    const view = json<TenantView>(await tdel(['status', tenantId, '--json']));
    expect(view.status).toBe('FAILED');
    expect(view.instances.find((i) => i.serviceInstanceId === 'cache-1')).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringContaining('schema drift'),
    });
    expect(await listed('FAILED', tenantId)).toMatchObject({ deletionStatus: 'FAILED', workflowStatus: 'RUNNING' });

    const typo = await tdel(['retry', tenantId, '--instance', 'cache-9']);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain(`error: retry refused: tenant ${tenantId}'s deletion has no instance cache-9`);
    expect(typo.stderr).toContain('it has no instance cache-9 (it has ');

    refuse = false;
    const retried = await tdel(['retry', tenantId, '--instance', 'cache-1', '--json']);
    expectClean(retried);
    expect(retried.code).toBe(0);
    expect(json(retried)).toMatchObject({
      tenantId,
      workflowId: `tenant-deletion:${tenantId}`,
      update: 'retryFailedDeletion',
      webUiUrl: `http://localhost:8233/namespaces/default/workflows/tenant-deletion:${tenantId}`,
      instances: [
        { serviceInstanceId: 'cache-1', from: 'FAILED', to: expect.stringMatching(/^(PENDING|IN_PROGRESS)$/) },
      ],
      requests: expect.any(Array),
    });

    const watched = await tdel(['status', tenantId, '--watch', '--json']);
    expect(watched.code).toBe(0);
    const done = json<TenantView>(watched);
    expect(done.status).toBe('COMPLETED');
    expect(done.instances.find((i) => i.serviceInstanceId === 'cache-1')).toMatchObject({
      status: 'COMPLETED',
      attempts: 2,
      deletedCounts: { keys: 3 },
    });
  });

  it('cancel reaches the workflow; status --watch then exits 1 and cancel on an ended deletion exits 3', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    harness.fleet.behave(tenantId, 'cache-1', untilCancelled);
    expect((await tdel(['delete', tenantId])).code).toBe(0);
    await eventually('cache-1 to start', async () =>
      harness.fleet.startedAt(tenantId, 'cache-1') < Infinity ? true : undefined,
    );
    const unknown = await tdel(['cancel', tenantId, '--instance', 'nope-1']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('it has no instance nope-1 (it has ');

    const cancelled = await tdel(['cancel', tenantId]);
    expectClean(cancelled);
    expect(cancelled.code).toBe(0);
    // app-1 was deleted first (it needs the others): settled, so untouched; cache-1 runs, db-1 waits for it.
    expect(cancelled.stdout).toMatch(
      new RegExp(
        `cancelDeletion on tenant-deletion:${tenantId} \\(whole tenant\\): 2 instances, \\d+ requests? changed`,
      ),
    );
    expect(cancelled.stdout).toMatch(/cache-1\s+IN_PROGRESS\s+CANCEL_REQUESTED/);
    expect(cancelled.stdout).toMatch(/db-1\s+PENDING\s+CANCELLED/);
    expect(cancelled.stdout).not.toMatch(/app-1\s/);
    expect(cancelled.stdout).toContain('note: cache-1 was running: cancelled at the next safe point');

    const watched = await tdel(['status', tenantId, '--watch', '--json']);
    expect(watched.code).toBe(1);
    const view = json<TenantView>(watched);
    expect(view.status).toBe('CANCELLED');
    expect(Object.fromEntries(view.instances.map((i) => [i.serviceInstanceId, i.status]))).toEqual({
      'app-1': 'COMPLETED',
      'cache-1': 'CANCELLED',
      'db-1': 'CANCELLED',
    });

    const again = await tdel(['cancel', tenantId]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(
      `the deletion of tenant ${tenantId} has already ended (CANCELLED): nothing to cancel`,
    );
  });

  it('a refused request: delete --instance of a depended-on instance exits 1 with the reason', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    const result = await tdel(['delete', tenantId, '--instance', 'db-1', '--wait']);
    expectClean(result);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/REJECTED request api-[0-9a-f-]+:\S+: .*db-1/);
    expect(harness.fleet.callsOf(tenantId)).toHaveLength(0);
  });

  it('a dry run previews and deletes nothing', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    const result = await tdel(['delete', tenantId, '--dry-run', '--wait']);
    expectClean(result);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/dry run api-[0-9a-f-]+:\S+ \(COMPLETED\): would delete 21 records/);
    expect(result.stdout).toContain('app-1: rows=7');
    expect(harness.fleet.callsOf(tenantId)).toHaveLength(0);

    // Once the workflow closed, from its result.
    const status = await tdel(['status', tenantId]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/dry run api-[0-9a-f-]+:\S+ \(COMPLETED\): would delete 21 records in 3 instances/);
    for (const id of ['app-1', 'cache-1', 'db-1']) expect(status.stdout).toContain(`  ${id}: rows=7`);
    const view = json<TenantView>(await tdel(['status', tenantId, '--json']));
    expect(view.source).toBe('result');
    expect(view.requests).toEqual([
      expect.objectContaining({
        dryRun: true,
        status: 'COMPLETED',
        preview: { 'app-1': { rows: 7 }, 'cache-1': { rows: 7 }, 'db-1': { rows: 7 } },
      }),
    ]);
  });

  it('status shows the would-delete counts of a dry run still running, from the progress query', async () => {
    const tenantId = newTenant();
    await seed(tenantId);
    const release = holdDeletion(tenantId, 'app-1');
    expect((await tdel(['delete', tenantId])).code).toBe(0);
    await eventually('app-1 to start', async () =>
      harness.fleet.startedAt(tenantId, 'app-1') < Infinity ? true : undefined,
    );
    // A dry run joins the running workflow while app-1's deletion holds it open.
    expect((await tdel(['delete', tenantId, '--dry-run'])).code).toBe(0);
    const previewed = await eventually('the dry run previewed', async () => {
      const view = json<TenantView>(await tdel(['status', tenantId, '--json']));
      return view.requests.find((request) => request.dryRun && request.preview) ? view : undefined;
    });
    expect(previewed.source).toBe('progress');
    const dryRun = previewed.requests.find((request) => request.dryRun)!;
    expect(Object.values(dryRun.preview!).every((counts) => counts.rows === 7)).toBe(true);
    const text = await tdel(['status', tenantId]);
    expect(text.stdout).toMatch(new RegExp(`dry run ${dryRun.requestId} \\(\\w+\\): would delete \\d+ records`));
    release();
    await harness.client.workflow.getHandle(tenantWorkflowId(tenantId)).result();
  });

  it('status, cancel, retry and approve of a registered tenant without a deletion exit 3 with a hint', async () => {
    const tenantId = newTenant();
    await api.register(tenantId);
    for (const command of ['status', 'cancel', 'retry', 'approve']) {
      const result = await tdel([command, tenantId]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`no deletion workflow for tenant ${tenantId}`);
      expect(result.stderr).toContain(`hint: start one with \`tdel delete ${tenantId}\``);
    }
  });
});
