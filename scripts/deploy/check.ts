import path from 'node:path';
import { Command } from 'commander';
import { stackPaths } from '../../common/stack-paths';
import {
  CHART_DIR,
  describeValues,
  helmLint,
  helmTemplate,
  kubeconform,
  valuesFiles,
  type Tools,
} from './chart-validation';
import { DeployCheckError } from './deploy-check-error';
import { deployTools } from './deploy-tools';
import { HELM, KUBECONFORM, PROMTOOL } from './go-tool';
import { KUBERNETES_VERSION } from './kubernetes-schemas';
import { knownMetricNames } from './metric-names';
import {
  checkRules,
  dashboardFindings,
  RULES_FILE,
  RULES_TEST_FILE,
  ruleFindings,
  testRules,
} from './monitoring-validation';

/** Lints and validates the chart with each values file; returns the findings, empty when all is well. */
function checkChart(tools: Tools): string[] {
  const findings: string[] = [];
  for (const values of valuesFiles()) {
    const label = describeValues(values);
    const lint = helmLint(tools, values);
    if (lint.status !== 0) findings.push(`helm lint --strict (${label}):\n${lint.output}`);
    let manifests: string;
    try {
      manifests = helmTemplate(tools, values);
    } catch (error) {
      findings.push((error as Error).message);
      continue;
    }
    const validation = kubeconform(tools, manifests);
    if (validation.status !== 0) findings.push(`kubeconform -strict (${label}):\n${validation.output}`);
    else console.log(`ok   ${label}: ${validation.output.split('\n').at(-1)}`);
  }
  return findings;
}

/** The alert rules (promtool check and unit tests, runbook links, metric names) and the dashboards' queries. */
async function checkMonitoring(tools: Tools): Promise<string[]> {
  const findings: string[] = [];
  const label = (file: string) => path.relative(process.cwd(), file);
  for (const [what, run] of [
    [`promtool check rules ${label(RULES_FILE)}`, checkRules(tools.promtool)],
    [`promtool test rules ${label(RULES_TEST_FILE)}`, testRules(tools.promtool)],
  ] as const) {
    if (run.status !== 0) findings.push(`${what}:\n${run.output}`);
    else console.log(`ok   ${what}`);
  }
  const known = await knownMetricNames();
  const content = [...ruleFindings(known), ...dashboardFindings(known)];
  if (content.length > 0) findings.push(`alert rules and dashboards:\n${content.join('\n')}`);
  else console.log('ok   alert annotations, runbook anchors, metric names of the rules and dashboards');
  return findings;
}

new Command('deploy:check')
  .description(
    `Lints the Helm chart (${path.relative(process.cwd(), CHART_DIR)}) with \`helm lint --strict\`, renders it with ` +
      'its default values and with every ci/*.yaml, and validates the manifests with `kubeconform -strict` against ' +
      `the Kubernetes ${KUBERNETES_VERSION} JSON schemas. Checks the Prometheus alert rules with \`promtool check rules\` ` +
      'and their unit tests with `promtool test rules`, and that every alert links to a heading of docs/runbook.md ' +
      'and every rule and Grafana dashboard query reads metrics the programs expose. Exit 0 when clean, 1 on any ' +
      'finding, 2 when a tool is missing.',
  )
  .addHelpText(
    'after',
    `
Tools (installed once into the stack's cache, ${path.join(stackPaths().cacheDir, 'bin')}):
  helm         ${HELM.package}@${HELM.version} (go install)
  kubeconform  ${KUBECONFORM.package}@${KUBECONFORM.version} (go install)
  promtool     ${PROMTOOL.package}@${PROMTOOL.version} (go install)
  schemas      the PyPI package kubernetes-validate (pip download), its v${KUBERNETES_VERSION}-local-strict schemas

Example:
  npm run deploy:check`,
  )
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async () => {
    const tools = deployTools();
    const findings = [...checkChart(tools), ...(await checkMonitoring(tools))];
    if (findings.length > 0) {
      console.error(`\ndeploy:check found ${findings.length} problem(s):\n\n${findings.join('\n\n')}`);
      process.exit(1);
    }
    console.log('deploy:check: the chart lints, every rendering validates, the rules and dashboards check out');
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`deploy:check: ${(error as Error).message}`);
    process.exit(error instanceof DeployCheckError ? 2 : 1);
  });
