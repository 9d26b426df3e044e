import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeployCheckError } from './deploy-check-error';
import { KUBERNETES_VERSION } from './kubernetes-schemas';

export const CHART_DIR = path.resolve(__dirname, '../../deploy/helm/tenant-deletion');
export const RELEASE = 'tenant-deletion';

export interface Tools {
  helm: string;
  kubeconform: string;
  schemaDir: string;
  promtool: string;
}

/** A values file to render with, or undefined for the chart's defaults. */
export type ValuesFile = string | undefined;

/** The chart's defaults, then every ci/*.yaml (production-like settings the check must keep valid). */
export function valuesFiles(chartDir = CHART_DIR): ValuesFile[] {
  const ci = path.join(chartDir, 'ci');
  const files = fs.existsSync(ci) ? fs.readdirSync(ci).filter((file) => /\.ya?ml$/.test(file)) : [];
  return [undefined, ...files.sort().map((file) => path.join(ci, file))];
}

export function describeValues(values: ValuesFile): string {
  return values ? path.relative(process.cwd(), values) : 'default values';
}

export interface Run {
  status: number;
  stdout: string;
  /** stdout and stderr, for messages. */
  output: string;
}

function run(command: string, args: string[]): Run {
  // helm writes its cache and config under HOME unless told otherwise; keep them out of the user's.
  const helmHome = path.join(os.tmpdir(), 'tdel-helm');
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: path.join(helmHome, 'cache'),
      HELM_CONFIG_HOME: path.join(helmHome, 'config'),
      HELM_DATA_HOME: path.join(helmHome, 'data'),
    },
  });
  if (result.error) throw new DeployCheckError(path.basename(command), `could not run: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout, output: `${result.stdout}${result.stderr}`.trim() };
}

const valuesArgs = (values: ValuesFile, extra: string[]) => [...(values ? ['--values', values] : []), ...extra];

/** `helm lint --strict`: warnings count as findings. */
export function helmLint(tools: Tools, values: ValuesFile, extra: string[] = []): Run {
  return run(tools.helm, ['lint', '--strict', CHART_DIR, ...valuesArgs(values, extra)]);
}

/** The manifests `helm template` renders, hooks included; throws with helm's message when it cannot. */
export function helmTemplate(tools: Tools, values: ValuesFile, extra: string[] = []): string {
  const rendered = run(tools.helm, [
    'template',
    RELEASE,
    CHART_DIR,
    '--namespace',
    'tenant-deletion',
    '--kube-version',
    KUBERNETES_VERSION,
    ...valuesArgs(values, extra),
  ]);
  if (rendered.status !== 0) {
    throw new DeployCheckError(`helm template (${describeValues(values)})`, rendered.output);
  }
  return rendered.stdout;
}

/** kubeconform -strict against the offline schemas: unknown fields, wrong types and missing schemas are findings. */
export function kubeconform(tools: Tools, manifests: string): Run {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-manifests-')), 'manifests.yaml');
  fs.writeFileSync(file, manifests);
  try {
    return run(tools.kubeconform, [
      '-strict',
      '-summary',
      '-kubernetes-version',
      KUBERNETES_VERSION,
      '-schema-location',
      path.join(tools.schemaDir, '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
      file,
    ]);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
