import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stackPaths, type StackPaths } from '../../common/stack-paths';

/**
 * Where the Airflow peer lives: a venv and an AIRFLOW_HOME in the stack's cache, outside the work tree, so that
 * every clone on the machine shares one install and `git status` never sees Airflow's files.
 */

export const AIRFLOW_VERSION = '3.1.8';
export const AIRFLOW_INSTALL_COMMAND = 'npm run peers:airflow:install';

export interface AirflowPaths {
  venv: string;
  /** AIRFLOW_HOME: airflow.cfg (with the secrets Airflow generates), task logs, the instances file. */
  home: string;
  airflow: string;
  python: string;
  /** Written last by the installer: what it installed, so that a repeat can tell it is done. */
  marker: string;
  constraints: string;
  installLog: string;
  logDir: string;
}

export function airflowPaths(paths: StackPaths = stackPaths()): AirflowPaths {
  const root = path.join(paths.cacheDir, 'airflow');
  const venv = path.join(root, 'venv');
  return {
    venv,
    home: path.join(root, 'home'),
    airflow: path.join(venv, 'bin', 'airflow'),
    python: path.join(venv, 'bin', 'python'),
    marker: path.join(venv, 'tdel-installed.json'),
    constraints: path.join(paths.repoDir, 'scripts', 'peers', 'airflow-constraints.txt'),
    installLog: path.join(paths.logDir, 'airflow-install.log'),
    logDir: paths.logDir,
  };
}

/** What an install is made of: a changed pin or constraint makes the installed venv stale. */
export function installIdentity(airflow: AirflowPaths): { version: string; constraintsSha256: string } {
  const constraints = fs.readFileSync(airflow.constraints);
  return { version: AIRFLOW_VERSION, constraintsSha256: createHash('sha256').update(constraints).digest('hex') };
}

export function airflowInstalled(airflow: AirflowPaths = airflowPaths()): boolean {
  try {
    const installed = JSON.parse(fs.readFileSync(airflow.marker, 'utf8')) as unknown;
    return JSON.stringify(installed) === JSON.stringify(installIdentity(airflow)) && fs.existsSync(airflow.airflow);
  } catch {
    return false;
  }
}
