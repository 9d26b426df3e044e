import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deployTools } from '../../scripts/deploy/deploy-tools';
import { knownMetricNames } from '../../scripts/deploy/metric-names';
import {
  checkRules,
  dashboardFiles,
  dashboardFindings,
  metricNamesIn,
  RULES_FILE,
  RULES_TEST_FILE,
  ruleFindings,
  RUNBOOK_FILE,
  testRules,
} from '../../scripts/deploy/monitoring-validation';

/**
 * The alert rules and their unit tests run by the real promtool (Prometheus 3.16, built with go install), and the
 * checks npm run deploy:check adds on top, each shown to fail on a broken copy of the files.
 */

let promtool: string;
let known: Set<string>;
let scratch: string;

beforeAll(async () => {
  promtool = deployTools().promtool;
  known = await knownMetricNames();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-rules-'));
}, 1_800_000);

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** rules.yml and rules.test.yml copied side by side (the test names rules.yml relatively), with `edit` applied. */
function brokenCopy(edit: (rules: string) => string): { rules: string; tests: string } {
  const dir = fs.mkdtempSync(path.join(scratch, 'copy-'));
  const rules = path.join(dir, 'rules.yml');
  const tests = path.join(dir, 'rules.test.yml');
  const original = fs.readFileSync(RULES_FILE, 'utf8');
  const edited = edit(original);
  expect(edited).not.toBe(original);
  fs.writeFileSync(rules, edited);
  fs.copyFileSync(RULES_TEST_FILE, tests);
  return { rules, tests };
}

describe('promtool', () => {
  test('check rules accepts every rule of rules.yml', () => {
    const alerts = fs.readFileSync(RULES_FILE, 'utf8').match(/^\s*- alert: /gm)!.length;
    const run = checkRules(promtool);
    expect(run.output).toContain(`SUCCESS: ${alerts} rules found`);
    expect(run.status).toBe(0);
  });

  test('test rules passes every unit test of rules.test.yml', () => {
    const run = testRules(promtool);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  test('every alert has a unit test that expects it to fire', () => {
    const alerts = [...fs.readFileSync(RULES_FILE, 'utf8').matchAll(/^\s*- alert: (\w+)$/gm)].map((match) => match[1]);
    const tests = fs.readFileSync(RULES_TEST_FILE, 'utf8');
    expect(alerts.length).toBeGreaterThanOrEqual(11);
    for (const alert of alerts) {
      // A firing expectation is an alertname followed by a non-empty exp_alerts list.
      expect(tests).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`));
    }
  });

  test.each([
    ['a threshold changes without its test', 'TdelLegalHoldTooOld', '> 30 * 86400', '> 31 * 86400'],
    [
      'a gauge is summed across replicas instead of taking their max',
      'TdelGdprDeletionOverdue',
      'expr: max(tdel_gdpr_deletions_open{due="overdue"})',
      'expr: sum(tdel_gdpr_deletions_open{due="overdue"})',
    ],
    [
      'a new counter series is no longer caught',
      'TdelInstanceDeletionFailed',
      'unless tdel_instance_deletions_finished_total{status="FAILED"} offset 15m',
      'and tdel_instance_deletions_finished_total{status="FAILED"} offset 15m',
    ],
  ])('test rules fails when %s (%s)', (_what, alert, from, to) => {
    const copy = brokenCopy((rules) => rules.replace(from, to));
    const run = testRules(promtool, copy.tests);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(alert);
  });

  test('check rules fails on an expression Prometheus cannot parse', () => {
    const copy = brokenCopy((rules) =>
      rules.replace(
        'max(tdel_approval_oldest_wait_seconds) > 24 * 3600',
        'max(tdel_approval_oldest_wait_seconds > 24 * 3600',
      ),
    );
    const run = checkRules(promtool, copy.rules);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/parse error|unclosed/i);
  });
});

describe('the rules beyond promtool', () => {
  test('every alert has severity, summary, description and a runbook section; every metric exists', () => {
    expect(ruleFindings(known)).toEqual([]);
  });

  test('an alert linking to a runbook section that does not exist is a finding', () => {
    const copy = brokenCopy((rules) => rules.replace('#tdelnoworkerpolling', '#tdel-no-such-section'));
    expect(ruleFindings(known, copy.rules, RUNBOOK_FILE)).toEqual([
      'TdelNoWorkerPolling: runbook_url docs/runbook.md#tdel-no-such-section names no heading of runbook.md',
    ]);
  });

  test('an alert on a metric nobody exposes, or without a severity, is a finding', () => {
    const copy = brokenCopy((rules) =>
      rules
        .replace('absent(tdel_task_queue_pollers)', 'absent(tdel_task_queue_poller)')
        .replace(/(alert: TdelScrapeTargetDown[\s\S]*?)severity: warning/, '$1severity: page'),
    );
    expect(ruleFindings(known, copy.rules, RUNBOOK_FILE)).toEqual([
      'TdelMetricsAbsent: expr reads unknown metric(s) tdel_task_queue_poller',
      'TdelScrapeTargetDown: labels.severity must be critical, warning or info',
    ]);
  });
});

describe('the dashboards', () => {
  test('both are checked, and every query reads metrics the programs expose', () => {
    expect(dashboardFiles().map((file) => path.basename(file))).toEqual(['compliance.json', 'operations.json']);
    expect(dashboardFindings(known)).toEqual([]);
  });

  test("the operations dashboard reads the SDK's task slots and schedule-to-start latency", () => {
    const exprs = JSON.stringify(JSON.parse(fs.readFileSync(dashboardFiles()[1], 'utf8')));
    for (const name of [
      'temporal_worker_task_slots_available',
      'temporal_worker_task_slots_used',
      'temporal_workflow_task_schedule_to_start_latency_bucket',
      'temporal_activity_schedule_to_start_latency_bucket',
    ]) {
      expect(exprs).toContain(name);
    }
  });

  test('a query on an unknown metric, a fixed datasource uid and an old schema are findings', () => {
    const dashboard = JSON.parse(fs.readFileSync(dashboardFiles()[0], 'utf8'));
    dashboard.schemaVersion = 36;
    const panel = dashboard.panels.find((candidate: { type: string }) => candidate.type !== 'row');
    panel.targets[0].expr = 'max(tdel_gdpr_deletion_open)';
    panel.datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
    const file = path.join(scratch, 'broken.json');
    fs.writeFileSync(file, JSON.stringify(dashboard));
    expect(dashboardFindings(known, [file])).toEqual([
      "broken.json: schemaVersion 36 is older than Grafana 11's 39",
      `broken.json: panel "${panel.title}": a fixed datasource uid P1809F7CD0C75ACF3`,
      `broken.json: panel "${panel.title}": unknown metric(s) tdel_gdpr_deletion_open`,
    ]);
  });
});

describe('metricNamesIn', () => {
  test('finds the metrics, not the functions, labels, grouping, durations or Grafana variables', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (service_type, le) (rate(tdel_instance_deletion_duration_seconds_bucket' +
          '{status="COMPLETED", service_type=~"$service_type"}[$__rate_interval]))) or vector(0) unless on (le) ' +
          'up offset 15m',
      ),
    ).toEqual(['tdel_instance_deletion_duration_seconds_bucket', 'up']);
  });
});
