import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDatabase } from '@tenant-deletion/kit';
import type { AirflowPaths } from '../../../scripts/peers/airflow-paths';
import { refuseHeldPorts } from '../../../scripts/stack/ports';
import { AirflowPeerError } from './airflow-peer-error';

/**
 * Airflow 3 as three processes: the API server (the REST API, and the Execution API that task processes report
 * to), the scheduler (with the LocalExecutor, which runs the tasks) and the DAG processor. No triggerer: the DAG
 * has no deferrable tasks. Each logs to `airflow-<component>.log` in the stack's log directory.
 */

/** Clear of the stack's ports and of Airflow's default 8080, which other tools like to hold. */
export const AIRFLOW_API_PORT = 8280;
export const AIRFLOW_API_URL = `http://127.0.0.1:${AIRFLOW_API_PORT}`;
const COMPONENTS = ['api-server', 'scheduler', 'dag-processor'] as const;
export const METADATA_DATABASE = 'airflow_peer';
/** The user the bench signs in as; the API server generates its password into AIRFLOW_HOME. */
export const AIRFLOW_USER = 'bench';

/** The metadata database on the stack's PostgreSQL server: LocalExecutor wants a database that takes concurrent writers. */
export function metadataDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${METADATA_DATABASE}`;
  return url.toString();
}

/** Every setting the peer changes from Airflow's defaults, as environment, so that airflow.cfg stays Airflow's own. */
export function airflowEnvironment(airflow: AirflowPaths, databaseUrl: string): NodeJS.ProcessEnv {
  const metadata = metadataDatabaseUrl(databaseUrl).replace(/^postgres(ql)?:/, 'postgresql+psycopg2:');
  return {
    ...process.env,
    AIRFLOW_HOME: airflow.home,
    AIRFLOW__CORE__DAGS_FOLDER: path.resolve(__dirname),
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${AIRFLOW_USER}:admin`,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${AIRFLOW_API_URL}/execution/`,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: metadata,
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(AIRFLOW_API_PORT),
    AIRFLOW__API__BASE_URL: `http://localhost:${AIRFLOW_API_PORT}`,
    // The DAG folder is in the work tree: no __pycache__ there.
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/** Creates the metadata database when missing and brings its schema to this Airflow's (quick when it is). */
export async function prepareMetadataDatabase(airflow: AirflowPaths, databaseUrl: string): Promise<void> {
  await ensureDatabase(metadataDatabaseUrl(databaseUrl));
  fs.mkdirSync(airflow.logDir, { recursive: true });
  const logFile = path.join(airflow.logDir, 'airflow-db-migrate.log');
  const log = fs.openSync(logFile, 'w');
  const result = spawnSync(airflow.airflow, ['db', 'migrate'], {
    env: airflowEnvironment(airflow, databaseUrl),
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (result.status !== 0) throw new AirflowPeerError(`airflow db migrate failed; see ${logFile}`);
}

export class AirflowProcesses {
  private constructor(private readonly children: { component: string; child: ChildProcess; logFile: string }[]) {}

  static async start(airflow: AirflowPaths, databaseUrl: string): Promise<AirflowProcesses> {
    await refuseHeldPorts('airflow', [AIRFLOW_API_PORT]);
    const env = airflowEnvironment(airflow, databaseUrl);
    const children = COMPONENTS.map((component) => {
      const logFile = path.join(airflow.logDir, `airflow-${component}.log`);
      const log = fs.openSync(logFile, 'w');
      // Its own process group: the LocalExecutor's workers and the API server's uvicorn stop with it.
      const child = spawn(airflow.airflow, [component], { env, stdio: ['ignore', log, log], detached: true });
      fs.closeSync(log);
      return { component, child, logFile };
    });
    return new AirflowProcesses(children);
  }

  /** Why the peer cannot go on, when one of its processes has died; undefined while all run. */
  died(): string | undefined {
    const dead = this.children.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
    return (
      dead && `airflow ${dead.component} exited (${dead.child.exitCode ?? dead.child.signalCode}); see ${dead.logFile}`
    );
  }

  /** SIGTERM to each process group, SIGKILL to one still there after the grace period. */
  async stop(graceMs = 20_000): Promise<void> {
    await Promise.all(this.children.map(({ child }) => stopGroup(child, graceMs)));
  }
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  signalGroup(child, 'SIGTERM');
  const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(kill);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}
