import type { WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '@tenant-deletion/client';
import { gdprDueAt } from '../../common/gdpr-deadline';
import type { RunningFleet } from '../../services/fleet/fleet';
import { dueBucket } from '../../workers/compliance-figures';
import { cancelSignal } from '../../workflows/signals';
import {
  adminCall,
  e2eWorkerConfig,
  requestWholeTenant,
  seedOn,
  setFaults,
  startE2eFleet,
  temporalClient,
  uniqueTenant,
} from '../e2e/e2e-stack';
import { WorkerProcesses } from '../e2e/worker-processes';
import { until } from '../until';
import { freePort } from '../workers/worker-process';

/**
 * The worker's metrics port on the real local stack (Temporal, Postgres, Kafka), the real fleet and `npm run worker`
 * as a process: one scrape holds the SDK's `temporal_*` metrics and ours, and our counters and gauges move as
 * deletions complete, fail, are held, wait for approval and run under GDPR. The compliance gauges refresh every
 * second here (COMPLIANCE_METRICS_INTERVAL_SECONDS). Tenants live on notification-1 only.
 */

const SERVICE = 'notification-1';
const TYPE = 'notification';
/** Named in the worker config with settings but in no group: its queues have no poller. */
const UNSERVED = 'ghost';
const APPROVAL_THRESHOLD = 100;

let fleet: RunningFleet;
let processes: WorkerProcesses;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let metricsPort: number;
const open = new Set<WorkflowHandle>();
const holds = new Set<string>();

beforeAll(async () => {
  fleet = await startE2eFleet();
  metricsPort = await freePort();
  Object.assign(process.env, {
    COMPLIANCE_METRICS_INTERVAL_SECONDS: '1',
    APPROVAL_THRESHOLD_RECORDS: String(APPROVAL_THRESHOLD),
    WORKER_HEALTH_PORT: '0',
  });
  processes = new WorkerProcesses(fleet, e2eWorkerConfig({ metricsPort, serviceTypes: { [UNSERVED]: {} } }));
  await processes.start();
  temporal = await temporalClient();
}, 180_000);
afterEach(async () => {
  for (const handle of open) await handle.terminate('test cleanup').catch(() => undefined);
  open.clear();
  for (const tenantId of holds) await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
  holds.clear();
  await setFaults(fleet, SERVICE, {});
});
afterAll(async () => {
  processes?.close();
  await temporal?.close();
  await fleet?.close();
});

type Scrape = { name: string; labels: Record<string, string>; value: number }[];

async function scrape(): Promise<Scrape> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`unreadable metrics line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The sum over the series of `name` whose labels include `labels`: the workflow meter adds labels of its own. */
function sum(series: Scrape, name: string, labels: Record<string, string> = {}): number {
  return series
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((total, s) => total + s.value, 0);
}

/** A reading that two readings 2.5 s apart agree on. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let last = await read();
  for (let i = 0; i < 12; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const next = await read();
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  throw new Error(`the gauges did not settle: ${JSON.stringify(last)}`);
}

/** Waits until a scrape satisfies `check`, and returns that scrape. */
async function scrapeUntil(check: (series: Scrape) => boolean, what: string, timeoutMs = 30_000): Promise<Scrape> {
  let last: Scrape = [];
  await until(
    async () => {
      last = await scrape();
      return check(last);
    },
    what,
    timeoutMs,
  );
  return last;
}

async function request(tenantId: string, gdprMode = false) {
  const handle = await requestWholeTenant(temporal.client, tenantId, gdprMode);
  open.add(handle);
  return handle;
}

it('exposes the SDK’s temporal_* metrics beside ours on the one port', async () => {
  const series = await scrape();
  expect(series.some((s) => s.name.startsWith('temporal_'))).toBe(true);
  expect(series.some((s) => s.name === 'tdel_metrics_refresh_failures_total')).toBe(true);
});

it('counts a completed deletion: started, finished COMPLETED, records deleted, the duration, the certificate and the tenant', async () => {
  const tenantId = uniqueTenant('metrics-done');
  await seedOn(fleet, tenantId, 20, [SERVICE]);
  const before = await scrape();
  const handle = await request(tenantId);
  const result = await handle.result();
  open.delete(handle);
  expect(result.status).toBe('COMPLETED');
  const deleted = result.instances.reduce(
    (total, instance) => total + Object.values(instance.deletedCounts).reduce((a, b) => a + b, 0),
    0,
  );
  expect(deleted).toBeGreaterThan(0);

  const moved = (after: Scrape, name: string, labels: Record<string, string> = {}) =>
    sum(after, name, labels) - sum(before, name, labels);
  const after = await scrapeUntil(
    (s) => moved(s, 'tdel_tenant_deletions_finished_total', { status: 'COMPLETED' }) >= 1,
    'the tenant deletion counted',
  );
  expect(moved(after, 'tdel_instance_deletions_started_total', { service_type: TYPE })).toBe(1);
  expect(moved(after, 'tdel_instance_deletions_finished_total', { service_type: TYPE, status: 'COMPLETED' })).toBe(1);
  expect(moved(after, 'tdel_records_deleted_total', { service_type: TYPE })).toBe(deleted);
  expect(
    moved(after, 'tdel_instance_deletion_duration_seconds_count', { service_type: TYPE, status: 'COMPLETED' }),
  ).toBe(1);
  expect(moved(after, 'tdel_certificates_issued_total')).toBe(1);
  expect(moved(after, 'tdel_tenant_deletions_finished_total', { status: 'COMPLETED' })).toBe(1);
}, 60_000);

it('counts a deletion a service refuses as finished FAILED', async () => {
  const tenantId = uniqueTenant('metrics-failed');
  await seedOn(fleet, tenantId, 20, [SERVICE]);
  const before = await scrape();
  // The admission preview (an approval threshold is set) must not meet the refusal: the DELETE, held until the
  // refusal is scripted, must. So the hold comes first and is lifted once the refusal waits for the next request.
  await adminCall(fleet, SERVICE, 'PUT', `/admin/legal-holds/${tenantId}`, { reason: 'litigation, case 2026-21' });
  holds.add(tenantId);
  const handle = await request(tenantId);
  await until(async () => (await handle.query(progressQuery)).status === 'ON_HOLD', 'the instance held', 30_000);
  await setFaults(fleet, SERVICE, {
    nextAnswers: [{ status: 422, code: 'UNPROCESSABLE', message: 'tenant has unsettled invoices' }],
  });
  await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
  holds.delete(tenantId);
  const finishedFailed = (s: Scrape) =>
    sum(s, 'tdel_instance_deletions_finished_total', { service_type: TYPE, status: 'FAILED' });
  const after = await scrapeUntil((s) => finishedFailed(s) > finishedFailed(before), 'a FAILED instance counted');
  expect(finishedFailed(after) - finishedFailed(before)).toBe(1);
  expect(
    sum(after, 'tdel_instance_deletion_duration_seconds_count', { service_type: TYPE, status: 'FAILED' }) -
      sum(before, 'tdel_instance_deletion_duration_seconds_count', { service_type: TYPE, status: 'FAILED' }),
  ).toBe(1);
  await handle.signal(cancelSignal);
  await handle.result();
  open.delete(handle);
}, 60_000);

it('shows a held GDPR deletion: open legal hold and its age, the instance ON_HOLD, the deletion in its due bucket; all back to where they were once the hold is lifted', async () => {
  const tenantId = uniqueTenant('metrics-held');
  await seedOn(fleet, tenantId, 20, [SERVICE]);
  await adminCall(fleet, SERVICE, 'PUT', `/admin/legal-holds/${tenantId}`, { reason: 'litigation, case 2026-20' });
  holds.add(tenantId);
  const requestedAt = new Date();
  const due = dueBucket(gdprDueAt(requestedAt), new Date());
  // The gauges count the whole namespace: a deletion another suite left open on the shared stack counts too.
  const gauges = (s: Scrape) => ({
    holds: sum(s, 'tdel_legal_holds_open', { service_type: TYPE }),
    onHold: sum(s, 'tdel_instances', { service_type: TYPE, status: 'ON_HOLD' }),
    gdprOpen: sum(s, 'tdel_gdpr_deletions_open', { due }),
  });
  // Their values once the previous test's deletions have left them (the gauges refresh every second).
  const before = await settled(async () => gauges(await scrape()));
  const handle = await request(tenantId, true);

  const held = await scrapeUntil(
    (s) =>
      gauges(s).holds >= before.holds + 1 && sum(s, 'tdel_legal_hold_oldest_age_seconds', { service_type: TYPE }) >= 2,
    'an open legal hold at least 2 s old',
  );
  expect(gauges(held).onHold).toBeGreaterThanOrEqual(before.onHold + 1);
  expect(gauges(held).gdprOpen).toBeGreaterThanOrEqual(before.gdprOpen + 1);
  expect(sum(held, 'tdel_gdpr_deletion_most_overdue_seconds')).toBe(0);

  await adminCall(fleet, SERVICE, 'DELETE', `/admin/legal-holds/${tenantId}`);
  holds.delete(tenantId);
  expect((await handle.result()).status).toBe('COMPLETED');
  open.delete(handle);
  // Back to the values before this deletion; the hold's age reads 0 again unless another hold was open before.
  await scrapeUntil(
    (s) =>
      gauges(s).holds === before.holds &&
      gauges(s).onHold === before.onHold &&
      gauges(s).gdprOpen === before.gdprOpen &&
      (before.holds > 0 || sum(s, 'tdel_legal_hold_oldest_age_seconds', { service_type: TYPE }) === 0),
    'the hold and the GDPR deletion gone from the gauges',
  );
}, 120_000);

it('shows a deletion awaiting approval and how long it has waited', async () => {
  const tenantId = uniqueTenant('metrics-approval');
  await seedOn(fleet, tenantId, 200, [SERVICE]);
  const handle = await request(tenantId);
  const waiting = await scrapeUntil(
    (s) => sum(s, 'tdel_approvals_waiting') >= 1 && sum(s, 'tdel_approval_oldest_wait_seconds') >= 2,
    `an approval waiting at least 2 s (above APPROVAL_THRESHOLD_RECORDS ${APPROVAL_THRESHOLD})`,
  );
  expect(sum(waiting, 'tdel_instances', { service_type: TYPE, status: 'PENDING' })).toBeGreaterThanOrEqual(1);
  await handle.signal(cancelSignal);
  await handle.result();
  open.delete(handle);
  await scrapeUntil((s) => sum(s, 'tdel_approvals_waiting') === 0, 'no approval waiting after the cancel');
}, 60_000);

it('reports the pollers of every queue the worker config names: > 0 where the worker polls, 0 where none does', async () => {
  const series = await scrape();
  const pollers = (taskQueue: string, kind: string) =>
    sum(series, 'tdel_task_queue_pollers', { task_queue: taskQueue, kind });
  expect(pollers('tenant-deletion', 'orchestration')).toBeGreaterThan(0);
  expect(pollers(`service-deletion.${TYPE}`, 'deletion')).toBeGreaterThan(0);
  expect(pollers(`service-preview.${TYPE}`, 'preview')).toBeGreaterThan(0);
  expect(series.filter((s) => s.labels.task_queue === `service-deletion.${UNSERVED}`)).toEqual([
    expect.objectContaining({ labels: { task_queue: `service-deletion.${UNSERVED}`, kind: 'deletion' }, value: 0 }),
  ]);
  expect(sum(series, 'tdel_metrics_refresh_failures_total')).toBe(0);
});
