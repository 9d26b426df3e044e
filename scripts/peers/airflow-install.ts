import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { Command } from 'commander';
import { AIRFLOW_VERSION, airflowInstalled, airflowPaths, installIdentity, type AirflowPaths } from './airflow-paths';

/**
 * Installs Apache Airflow from PyPI into a venv in the stack's cache, for the bench's Airflow peer
 * (`npm run bench -- --peer airflow`). Idempotent: a venv that already holds this version and these pins is left be.
 */

/** Airflow 3.1 supports Python 3.10 to 3.13; the first of these that is one wins. */
const PYTHON_CANDIDATES = ['python3.11', 'python3.12', 'python3.13', 'python3.10', 'python3'];

export class AirflowInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AirflowInstallError';
  }
}

function supportedPython(command: string): boolean {
  const probe = spawnSync(command, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) return false;
  const [major, minor] = probe.stdout.trim().split('.').map(Number);
  return major === 3 && minor >= 10 && minor <= 13;
}

function findPython(requested: string | undefined): string {
  if (requested) {
    if (!supportedPython(requested)) throw new AirflowInstallError(`${requested} is not Python 3.10-3.13 with venv`);
    return requested;
  }
  const found = PYTHON_CANDIDATES.find(supportedPython);
  if (!found) {
    throw new AirflowInstallError(
      'no Python 3.10-3.13 with venv on PATH; install one (Debian: apt-get install python3 python3-venv) or pass --python',
    );
  }
  return found;
}

/** Runs a step with its output appended to the install log; a failure names the step and the log. */
function step(airflow: AirflowPaths, what: string, command: string, args: string[]): void {
  console.log(`airflow-install: ${what}…`);
  const log = fs.openSync(airflow.installLog, 'a');
  fs.writeSync(log, `\n--- ${new Date().toISOString()}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (result.status !== 0) throw new AirflowInstallError(`${what} failed; see ${airflow.installLog}`);
}

function install({ python, force }: { python?: string; force?: boolean }): void {
  const airflow = airflowPaths();
  if (!force && airflowInstalled(airflow)) {
    console.log(`airflow-install: Airflow ${AIRFLOW_VERSION} is already installed in ${airflow.venv}`);
    return;
  }
  fs.mkdirSync(airflow.logDir, { recursive: true });
  fs.rmSync(airflow.marker, { force: true });
  if (force || !fs.existsSync(airflow.python)) {
    step(airflow, `creating the venv ${airflow.venv}`, findPython(python), ['-m', 'venv', '--clear', airflow.venv]);
  }
  step(
    airflow,
    `pip install apache-airflow[postgres]==${AIRFLOW_VERSION} (a few minutes the first time)`,
    airflow.python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--constraint',
      airflow.constraints,
      `apache-airflow[postgres]==${AIRFLOW_VERSION}`,
    ],
  );
  fs.writeFileSync(airflow.marker, `${JSON.stringify(installIdentity(airflow))}\n`);
  console.log(`airflow-install: Airflow ${AIRFLOW_VERSION} is installed in ${airflow.venv}`);
}

new Command('airflow-install')
  .description(
    `Installs Apache Airflow ${AIRFLOW_VERSION} (with its PostgreSQL provider) from PyPI into a venv in the stack's ` +
      'cache (TDEL_CACHE_DIR, default ~/.cache/tenant-deletion/airflow/venv), pinned by ' +
      "scripts/peers/airflow-constraints.txt, for the bench's Airflow peer. Does nothing when that install is there.",
  )
  .option('--python <command>', 'the Python to build the venv from (3.10-3.13; default: the first found on PATH)')
  .option('--force', 'rebuild the venv even when the install is complete')
  .addHelpText(
    'after',
    '\nExamples:\n  npm run peers:airflow:install\n  npm run peers:airflow:install -- --python python3.12 --force' +
      '\nThen: npm run bench -- --peer airflow (see docs/airflow-peer.md).',
  )
  .action(install)
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`airflow-install: ${(error as Error).message}`);
    process.exit(1);
  });
