import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenSigner } from '@tenant-deletion/contract/service-token';
import { airflowPaths, type AirflowPaths } from '../../../scripts/peers/airflow-paths';
import { waitUntil } from '../../../scripts/stack/ports';
import { AirflowApi, airflowHealthy, DAG_ID, type DagRun } from './airflow-api';
import { AirflowPeerError } from './airflow-peer-error';
import { AIRFLOW_API_URL, AIRFLOW_USER, AirflowProcesses, prepareMetadataDatabase } from './airflow-processes';
import { deletionConf } from './deletion-conf';
import { writeInstancesFile, type PeerInstance } from './instances-file';

/**
 * A running Airflow with the tenant deletion DAG parsed for one fleet: started, used for any number of tenants,
 * stopped. Times are the caller's clock at the trigger to Airflow's end_date of the run (the moment Airflow marks
 * the run successful, after its last task), both on this machine.
 */

const STARTUP_MS = 180_000;
const RUN_TIMEOUT_MS = 1_800_000;

export interface AirflowPeerOptions {
  databaseUrl: string;
  instances: PeerInstance[];
  /** The orchestrator's key, as the naive gather uses it. */
  signer: TokenSigner;
  airflow?: AirflowPaths;
}

export interface TenantRun {
  tenantId: string;
  /** Epoch milliseconds. */
  triggeredAt: number;
  endedAt: number;
  ms: number;
}

export class AirflowPeer {
  private constructor(
    private readonly options: AirflowPeerOptions & { airflow: AirflowPaths },
    private readonly processes: AirflowProcesses,
    private readonly api: AirflowApi,
  ) {}

  static async start(options: AirflowPeerOptions): Promise<AirflowPeer> {
    const airflow = options.airflow ?? airflowPaths();
    const fingerprint = writeInstancesFile(airflow.home, options.instances);
    await prepareMetadataDatabase(airflow, options.databaseUrl);
    const processes = await AirflowProcesses.start(airflow, options.databaseUrl);
    const until = async (what: string, check: () => Promise<boolean>) => {
      if (!(await waitUntil(check, { timeoutMs: STARTUP_MS, abort: () => processes.died() }))) {
        throw new AirflowPeerError(
          `Airflow ${what} within ${STARTUP_MS / 1000} s; see airflow-*.log in ${airflow.logDir}`,
        );
      }
    };
    try {
      await until('was not healthy', () => airflowHealthy(AIRFLOW_API_URL));
      const api = await AirflowApi.signIn(AIRFLOW_API_URL, airflow.home, AIRFLOW_USER);
      await until(`had not parsed the ${DAG_ID} DAG of this fleet`, async () =>
        Boolean((await api.dag())?.description?.includes(fingerprint)),
      );
      await api.unpause();
      return new AirflowPeer({ ...options, airflow }, processes, api);
    } catch (error) {
      await processes.stop();
      throw error;
    }
  }

  /** One DAG run per tenant, all triggered at once; resolves when every run has succeeded. */
  async deleteTenants(tenantIds: string[], traceId: string): Promise<TenantRun[]> {
    const batch = `bench-airflow-${randomBytes(3).toString('hex')}`;
    const runIdOf = (tenantId: string) => `${batch}.${tenantId}`;
    const triggeredAt = new Map<string, number>();
    for (const tenantId of tenantIds) {
      const conf = await deletionConf(this.options.signer, tenantId, traceId, this.options.instances);
      triggeredAt.set(runIdOf(tenantId), Date.now());
      await this.api.trigger(runIdOf(tenantId), conf);
    }
    const ended = await this.untilEnded(batch, tenantIds.length);
    return tenantIds.map((tenantId) => {
      const runId = runIdOf(tenantId);
      const endedAt = Date.parse(ended.get(runId)!.end_date!);
      return { tenantId, triggeredAt: triggeredAt.get(runId)!, endedAt, ms: endedAt - triggeredAt.get(runId)! };
    });
  }

  private async untilEnded(batch: string, count: number): Promise<Map<string, DagRun>> {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const died = this.processes.died();
      if (died) throw new AirflowPeerError(died);
      const runs = await this.api.runs(batch);
      const failed = runs.find((run) => run.state === 'failed');
      if (failed) {
        throw new AirflowPeerError(
          `DAG run ${failed.dag_run_id} failed; its task logs are under ${this.options.airflow.home}/logs/dag_id=${DAG_ID}`,
        );
      }
      const succeeded = runs.filter((run) => run.state === 'success' && run.end_date);
      if (succeeded.length === count) return new Map(succeeded.map((run) => [run.dag_run_id, run]));
      if (Date.now() > deadline) {
        throw new AirflowPeerError(
          `${count - succeeded.length} of ${count} DAG runs of ${batch} still run after 30 min`,
        );
      }
      await sleep(500);
    }
  }

  stop(): Promise<void> {
    return this.processes.stop();
  }
}
