import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { redactTokens } from '../../../common/token-redaction';
import { AirflowPeerError } from './airflow-peer-error';

/**
 * The few calls of Airflow's REST API (v2) the peer makes: sign in, read the DAG, unpause it, trigger runs, list
 * them. Run listings carry each run's conf, tokens included: parsed down to the fields below and never logged.
 */

export const DAG_ID = 'tenant_deletion';
/** The API server's page limit (`[api] maximum_page_limit`). */
const PAGE = 100;

const tokenSchema = z.object({ access_token: z.string() });
const dagSchema = z.object({ description: z.string().nullable(), is_paused: z.boolean() });
const healthSchema = z.object({
  metadatabase: z.object({ status: z.string() }),
  scheduler: z.object({ status: z.string().nullable() }),
  dag_processor: z.object({ status: z.string().nullable() }).optional(),
});
export const dagRunSchema = z.object({
  dag_run_id: z.string(),
  state: z.enum(['queued', 'running', 'success', 'failed']),
  end_date: z.string().nullable(),
});
export type DagRun = z.infer<typeof dagRunSchema>;
const dagRunsSchema = z.object({ dag_runs: z.array(dagRunSchema), total_entries: z.number() });

export type DeletionConf = { tenantId: string; traceId: string; tokens: Record<string, string> };

async function call(url: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  if (!response.ok) {
    // A refusal may quote the request back, conf and its tokens included.
    const reason = redactTokens(await response.text()).slice(0, 1_000);
    throw new AirflowPeerError(
      `Airflow answered ${init.method ?? 'GET'} ${new URL(url).pathname} with ${response.status}: ${reason}`,
    );
  }
  return response.json();
}

/** Up once the database, the scheduler and the DAG processor all report healthy. */
export async function airflowHealthy(baseUrl: string): Promise<boolean> {
  const health = healthSchema.parse(await call(`${baseUrl}/api/v2/monitor/health`));
  return [health.metadatabase.status, health.scheduler.status, health.dag_processor?.status].every(
    (status) => status === 'healthy',
  );
}

export class AirflowApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly authorization: string,
  ) {}

  /** Signs in with the password the simple auth manager generated for `user` into AIRFLOW_HOME. */
  static async signIn(baseUrl: string, airflowHome: string, user: string): Promise<AirflowApi> {
    const passwordsFile = path.join(airflowHome, 'simple_auth_manager_passwords.json.generated');
    const password = z.record(z.string(), z.string()).parse(JSON.parse(fs.readFileSync(passwordsFile, 'utf8')))[user];
    if (!password) throw new AirflowPeerError(`${passwordsFile} has no password for ${user}`);
    const { access_token } = tokenSchema.parse(
      await call(`${baseUrl}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user, password }),
      }),
    );
    return new AirflowApi(baseUrl, `Bearer ${access_token}`);
  }

  private request(route: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
    return call(`${this.baseUrl}/api/v2${route}`, {
      method: init.method,
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  /** The DAG as last parsed; undefined until the DAG processor has serialized it. */
  async dag(): Promise<z.infer<typeof dagSchema> | undefined> {
    try {
      return dagSchema.parse(await this.request(`/dags/${DAG_ID}`));
    } catch (error) {
      if (error instanceof AirflowPeerError && error.message.includes(' with 404:')) return undefined;
      throw error;
    }
  }

  async unpause(): Promise<void> {
    await this.request(`/dags/${DAG_ID}?update_mask=is_paused`, { method: 'PATCH', body: { is_paused: false } });
  }

  async trigger(runId: string, conf: DeletionConf): Promise<void> {
    await this.request(`/dags/${DAG_ID}/dagRuns`, {
      method: 'POST',
      body: { dag_run_id: runId, logical_date: null, conf },
    });
  }

  /** The runs whose id starts with `prefix`, every page. */
  async runs(prefix: string): Promise<DagRun[]> {
    const runs: DagRun[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const query = new URLSearchParams({ run_id_pattern: `${prefix}%`, limit: String(PAGE), offset: String(offset) });
      const page = dagRunsSchema.parse(await this.request(`/dags/${DAG_ID}/dagRuns?${query}`));
      runs.push(...page.dag_runs);
      if (page.dag_runs.length < PAGE) return runs;
    }
  }
}
