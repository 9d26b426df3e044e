import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DeployCheckError } from './deploy-check-error';

/** The alert rules, their promtool unit tests, the Grafana dashboards and the runbook the rules link to. */
export const RULES_FILE = path.resolve(__dirname, '../../deploy/prometheus/rules.yml');
export const RULES_TEST_FILE = path.resolve(__dirname, '../../deploy/prometheus/rules.test.yml');
export const DASHBOARD_DIR = path.resolve(__dirname, '../../deploy/grafana');
export const RUNBOOK_FILE = path.resolve(__dirname, '../../docs/runbook.md');

/** Grafana 11.0's; older Grafanas migrate newer dashboards badly or not at all. */
const MIN_SCHEMA_VERSION = 39;

export interface PromtoolRun {
  status: number;
  output: string;
}

function promtool(binary: string, args: string[]): PromtoolRun {
  const result = spawnSync(binary, args, { encoding: 'utf8' });
  if (result.error) throw new DeployCheckError('promtool', `could not run: ${result.error.message}`);
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
}

export const checkRules = (binary: string, rulesFile = RULES_FILE) => promtool(binary, ['check', 'rules', rulesFile]);
export const testRules = (binary: string, testFile = RULES_TEST_FILE) => promtool(binary, ['test', 'rules', testFile]);

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects. Strings, label matchers, range and offset durations and grouping
 * clauses hold no metric names and are dropped first; what remains is names, functions (followed by "("), keywords
 * and numbers.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ');
  const names = [...stripped.matchAll(/(?<![\w$.])([A-Za-z_:][\w:]*)\s*(\()?/g)]
    .filter((match) => !match[2] && !PROMQL_WORDS.has(match[1].toLowerCase()))
    .map((match) => match[1]);
  return [...new Set(names)];
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function markdownAnchors(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => headingAnchor(match[1])));
}

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const unknownNames = (expr: string, known: Set<string>) => metricNamesIn(expr).filter((name) => !known.has(name));

/** What promtool does not check: each alert's severity and texts, its runbook anchor, the metrics it reads. */
export function ruleFindings(known: Set<string>, rulesFile = RULES_FILE, runbookFile = RUNBOOK_FILE): string[] {
  const anchors = markdownAnchors(fs.readFileSync(runbookFile, 'utf8'));
  const document = parse(fs.readFileSync(rulesFile, 'utf8')) as { groups?: { rules?: AlertRule[] }[] };
  const findings: string[] = [];
  for (const rule of (document.groups ?? []).flatMap((group) => group.rules ?? [])) {
    const name = rule.alert ?? rule.record ?? '(unnamed rule)';
    const unknown = unknownNames(rule.expr, known);
    if (unknown.length > 0) findings.push(`${name}: expr reads unknown metric(s) ${unknown.join(', ')}`);
    if (!rule.alert) continue;
    if (!['critical', 'warning', 'info'].includes(rule.labels?.severity ?? '')) {
      findings.push(`${name}: labels.severity must be critical, warning or info`);
    }
    for (const annotation of ['summary', 'description', 'runbook_url']) {
      if (!rule.annotations?.[annotation]) findings.push(`${name}: no annotations.${annotation}`);
    }
    const anchor = rule.annotations?.runbook_url?.split('#')[1];
    if (rule.annotations?.runbook_url && (!anchor || !anchors.has(anchor))) {
      findings.push(
        `${name}: runbook_url ${rule.annotations.runbook_url} names no heading of ${path.basename(runbookFile)}`,
      );
    }
  }
  return findings;
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

interface Dashboard {
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: { type?: string; name?: string; query?: unknown; datasource?: { uid?: string } }[] };
}

/** A datasource must be the dashboard's variable, so that the dashboard loads into any Grafana. */
const hardCodedUid = (uid: string | undefined) => uid !== undefined && !/^\$\{?datasource\}?$/.test(uid);

function dashboardFileFindings(file: string, known: Set<string>): string[] {
  const label = path.basename(file);
  let dashboard: Dashboard;
  try {
    dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as Dashboard;
  } catch (error) {
    return [`${label}: not JSON: ${(error as Error).message}`];
  }
  const findings: string[] = [];
  if ((dashboard.schemaVersion ?? 0) < MIN_SCHEMA_VERSION) {
    findings.push(
      `${label}: schemaVersion ${dashboard.schemaVersion} is older than Grafana 11's ${MIN_SCHEMA_VERSION}`,
    );
  }
  const variables = dashboard.templating?.list ?? [];
  if (!variables.some((variable) => variable.type === 'datasource' && variable.name === 'datasource')) {
    findings.push(`${label}: no datasource variable named "datasource"`);
  }
  for (const variable of variables) {
    if (hardCodedUid(variable.datasource?.uid))
      findings.push(`${label}: variable ${variable.name}: a fixed datasource`);
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query?: string }).query;
    // label_values(metric, label): the label is no metric.
    const selector = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/.exec(query ?? '')?.[1] ?? query ?? '';
    const unknown = unknownNames(selector, known);
    if (unknown.length > 0) findings.push(`${label}: variable ${variable.name} reads unknown ${unknown.join(', ')}`);
  }
  const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
    const where = `${label}: panel "${panel.title}"`;
    if (!panel.targets?.length) findings.push(`${where}: no query`);
    if (hardCodedUid(panel.datasource?.uid)) findings.push(`${where}: a fixed datasource uid ${panel.datasource?.uid}`);
    for (const target of panel.targets ?? []) {
      if (hardCodedUid(target.datasource?.uid)) findings.push(`${where}: a query with a fixed datasource uid`);
      const names = metricNamesIn(target.expr ?? '');
      if (names.length === 0) findings.push(`${where}: a query that reads no metric`);
      const unknown = names.filter((name) => !known.has(name));
      if (unknown.length > 0) findings.push(`${where}: unknown metric(s) ${unknown.join(', ')}`);
    }
  }
  return findings;
}

export function dashboardFiles(dir = DASHBOARD_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => path.join(dir, file));
}

/** Each dashboard: JSON, a recent schema, the datasource a variable, every query reading metrics that exist. */
export function dashboardFindings(known: Set<string>, files = dashboardFiles()): string[] {
  return files.flatMap((file) => dashboardFileFindings(file, known));
}
