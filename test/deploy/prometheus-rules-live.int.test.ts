import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { RunningFleet } from '../../services/fleet/fleet';
import { deployTools } from '../../scripts/deploy/deploy-tools';
import { dashboardFiles, metricNamesIn, RULES_FILE, testRules } from '../../scripts/deploy/monitoring-validation';
import {
  e2eWorkerConfig,
  requestWholeTenant,
  seedOn,
  startE2eFleet,
  temporalClient,
  uniqueTenant,
} from '../e2e/e2e-stack';
import { WorkerProcesses } from '../e2e/worker-processes';
import { until } from '../until';
import { freePort } from '../workers/worker-process';

/**
 * The alert rules and dashboards against what a real worker exposes: `npm run worker` on the local stack (Temporal,
 * Postgres) with the real fleet, after one whole-tenant deletion. Every metric the dashboards and rules read from the
 * workers is in its scrape, and the scrape, fed to promtool as input series, fires TdelNoWorkerPolling for the one
 * service type no worker serves, and nothing for the served ones.
 */

const SERVICE = 'notification-1';
/** Named in the worker config but in no group: its deletion and preview queues have no poller. */
const UNSERVED = 'ghost';

let fleet: RunningFleet;
let processes: WorkerProcesses;
let metricsPort: number;
let promtool: string;
let scratch: string;

beforeAll(async () => {
  promtool = deployTools().promtool;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-rules-live-'));
  fleet = await startE2eFleet();
  metricsPort = await freePort();
  Object.assign(process.env, { COMPLIANCE_METRICS_INTERVAL_SECONDS: '1', WORKER_HEALTH_PORT: '0' });
  processes = new WorkerProcesses(fleet, e2eWorkerConfig({ metricsPort, serviceTypes: { [UNSERVED]: {} } }));
  await processes.start();
}, 1_800_000);

afterAll(async () => {
  processes?.close();
  await fleet?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

interface Sample {
  name: string;
  labels: string;
  value: string;
}

async function scrape(): Promise<Sample[]> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`unreadable metrics line: ${line}`);
      return { name: match[1], labels: match[2] ?? '{}', value: match[3] };
    });
}

const pollers = (samples: Sample[], queue: string) =>
  samples.find((sample) => sample.name === 'tdel_task_queue_pollers' && sample.labels.includes(`"${queue}"`));

test('one deletion later, the scrape holds every worker metric the dashboards and rules read', async () => {
  const tenantId = uniqueTenant('rules-live');
  await seedOn(fleet, tenantId, 10, [SERVICE]);
  const temporal = await temporalClient();
  try {
    const result = await (await requestWholeTenant(temporal.client, tenantId)).result();
    expect(result.status).toBe('COMPLETED');
  } finally {
    await temporal.close();
  }
  let samples: Sample[] = [];
  await until(
    async () => {
      samples = await scrape();
      return (
        samples.some((sample) => sample.name === 'tdel_tenant_deletions_finished_total') &&
        pollers(samples, `service-deletion.${UNSERVED}`)?.value === '0' &&
        Number(pollers(samples, 'service-deletion.notification')?.value) > 0
      );
    },
    'the finished deletion counted and the pollers gauged',
    60_000,
  );

  const exposed = new Set(samples.map((sample) => sample.name));
  const rules = parse(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  const dashboards = dashboardFiles().map(
    (file) => JSON.parse(fs.readFileSync(file, 'utf8')) as { panels: { targets?: { expr: string }[] }[] },
  );
  const read = new Set(
    [
      ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
      ...dashboards.flatMap((dashboard) => dashboard.panels.flatMap((panel) => panel.targets ?? [])).map((t) => t.expr),
    ].flatMap(metricNamesIn),
  );
  const fromWorkers = [...read].filter((name) => /^(tdel|temporal)_/.test(name));
  expect(fromWorkers.length).toBeGreaterThan(15);
  expect(fromWorkers.filter((name) => !exposed.has(name))).toEqual([]);

  // The scrape as promtool input: each series constant for 20 minutes, as a worker would report it.
  const series = samples
    .filter((sample) => Number.isFinite(Number(sample.value)))
    .map((sample) => `      - series: '${sample.name}${sample.labels}'\n        values: '${sample.value}x20'`);
  const testFile = path.join(scratch, 'live.test.yml');
  fs.writeFileSync(
    testFile,
    [
      'rule_files:',
      `  - ${RULES_FILE}`,
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      ...series,
      '    alert_rule_test:',
      '      - eval_time: 10m',
      '        alertname: TdelNoWorkerPolling',
      '        exp_alerts:',
      ...['deletion', 'preview'].flatMap((kind) => [
        '          - exp_labels:',
        '              severity: critical',
        `              task_queue: service-${kind}.${UNSERVED}`,
        `              kind: ${kind}`,
        '            exp_annotations:',
        `              summary: 'No worker polls service-${kind}.${UNSERVED}'`,
        `              description: 'Temporal has seen no poller on the ${kind} task queue service-${kind}.${UNSERVED} ` +
          "for 5 minutes: its tasks wait, and deletions of that service type do not progress.'",
        '              runbook_url: docs/runbook.md#tdelnoworkerpolling',
      ]),
      '      - eval_time: 15m',
      '        alertname: TdelMetricsAbsent',
      '        exp_alerts: []',
    ].join('\n'),
  );
  const run = testRules(promtool, testFile);
  expect(run.output).toContain('SUCCESS');
  expect(run.status).toBe(0);
}, 240_000);
