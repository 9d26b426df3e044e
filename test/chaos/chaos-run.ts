import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { tenantWorkflowId } from '../../common/contract';
import { mintServiceToken } from '../../common/service-token';
import { resolveServiceTokenSecret } from '../../common/service-token-secret';
import { stackPaths } from '../../common/stack-paths';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { KafkaTraffic } from '../../scripts/demo/kafka-traffic';
import { skipRequestBacklog } from '../../scripts/kafka-backlog';
import { httpOk, ProcessGroup, type StartedProcess } from '../../scripts/process-group';
import { localStack } from '../../scripts/stack/stack';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import { baseUrl, FLEET_INSTANCES, registryUrl } from '../../services/fleet/topology';

/**
 * Many tenants deleted through Kafka while the suite kills and restarts what it can: workers (SIGKILL), the
 * bridge (SIGKILL), the Temporal server and the Kafka broker (restarted with their data), with 20% 503s and some
 * hangs in the fleet and one tenant under a legal hold for a while. Then it checks that nothing was lost, doubled
 * or over-deleted.
 */

export interface ChaosOptions {
  tenants: number;
  recordsPerTenant: number;
  neighbours: number;
  /** Milliseconds after the requests when each fault fires. */
  schedule: { killWorker: number; killBridge: number; restartTemporal: number; restartKafka: number; liftHold: number };
  timeLimitMs: number;
  log: (line: string) => void;
}

export interface ChaosSummary {
  tenants: number;
  terminal: number;
  rowsLeftInDeletedTenants: number;
  neighbourRowsChanged: number;
  doubleFinalizations: number;
  lostRequests: number;
  faults: string[];
  durationMs: number;
  ok: boolean;
}

const BRIDGE_PORT = 9466;

async function adminPut(secret: string, serviceType: string, url: string, body?: unknown): Promise<void> {
  const token = await mintServiceToken(secret, { audience: serviceType, subject: 'chaos' });
  const response = await fetch(url, {
    method: body === undefined ? 'DELETE' : 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

async function previewTotal(secret: string, tenantId: string): Promise<number> {
  let total = 0;
  for (const instance of FLEET_INSTANCES) {
    const token = await mintServiceToken(secret, { audience: instance.serviceType, subject: 'chaos' });
    const response = await fetch(`${baseUrl(instance)}/tenant/${tenantId}/deletion-preview`, {
      headers: { authorization: `Bearer ${token}` },
    });
    total += ((await response.json()) as { total: number }).total;
  }
  return total;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const paths = stackPaths();
  if (spawnSync('npm', ['run', '--silent', 'stack:up'], { cwd: paths.repoDir, stdio: 'ignore' }).status !== 0) {
    throw new Error('the local stack did not come up: run `npm run stack:up` and read what it says');
  }
  const config = loadConfig();
  const access = temporalAccess(config);
  const secret = resolveServiceTokenSecret(config.SERVICE_TOKEN_SECRET);
  const run = randomBytes(2).toString('hex');
  const workerConfigFile = path.join(os.tmpdir(), `tdel-chaos-worker-${run}.json`);
  // Short timeouts and patient retries: hangs must turn into retries, 503s must not exhaust an instance.
  fs.writeFileSync(
    workerConfigFile,
    JSON.stringify({
      orchestration: { holdRecheckSeconds: 2 },
      defaults: {
        requestTimeoutSeconds: 4,
        heartbeatTimeoutSeconds: 8,
        retry: { maxAttempts: 60, initialIntervalMs: 200, maxIntervalMs: 3_000 },
      },
      groups: { all: { orchestration: true, serviceTypes: [...new Set(FLEET_INSTANCES.map((i) => i.serviceType))] } },
      metricsPort: 0,
    }),
  );
  const workerEnv = { WORKER_CONFIG: workerConfigFile, BLAST_RADIUS_MAX_WHOLE_TENANT: '1000000' };
  const processes = new ProcessGroup(paths.repoDir, paths.logDir);
  const startWorker = () =>
    processes.start('chaos-worker', 'worker', workerEnv, (log) => log.includes('workers polling'));
  const startBridge = () =>
    processes.start('chaos-bridge', 'bridge', { BRIDGE_GROUP_ID: `chaos-${run}` }, () =>
      httpOk(`http://localhost:${BRIDGE_PORT}/healthz`),
    );
  const faults: string[] = [];
  const started = Date.now();
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  let kafka: KafkaTraffic | undefined;
  try {
    await processes.start('chaos-fleet', 'fleet', { LOG_LEVEL: 'warn' }, (log) => log.includes('the fleet is running'));
    let worker: StartedProcess = await startWorker();
    await skipRequestBacklog(config.KAFKA_BROKERS, `chaos-${run}`);
    let bridge: StartedProcess = await startBridge();

    const tenants = Array.from({ length: options.tenants }, (_, i) => `chaos-${run}-${i}`);
    const neighbours = Array.from({ length: options.neighbours }, (_, i) => `chaos-${run}-n${i}`);
    options.log(`seeding ${tenants.length} tenants and ${neighbours.length} neighbours`);
    for (const tenantId of [...tenants, ...neighbours]) {
      await seedTenant({
        tenantId,
        records: options.recordsPerTenant,
        databaseUrl: config.DATABASE_URL,
        registry: { url: registryUrl(), secret },
      });
    }
    const neighbourBefore = await Promise.all(neighbours.map((id) => previewTotal(secret, id)));

    for (const instance of FLEET_INSTANCES) {
      await adminPut(secret, instance.serviceType, `${baseUrl(instance)}/admin/faults`, {
        unavailableRate: 0.2,
        retryAfterSeconds: 1,
        hangRate: 0.02,
        hangMs: 6_000,
      });
    }
    faults.push('20% 503 with Retry-After and 2% hangs past the timeout on every instance');
    const held = tenants[0];
    const orders = FLEET_INSTANCES.find((i) => i.serviceInstanceId === 'orders-1')!;
    await adminPut(secret, 'orders', `${baseUrl(orders)}/admin/legal-holds/${held}`, { reason: 'chaos: litigation' });
    faults.push(`legal hold on ${held} at orders-1`);

    kafka = await KafkaTraffic.open(config.KAFKA_BROKERS, tenants);
    for (const tenantId of tenants) await kafka.requestTenantDeletion(tenantId, `trace-${run}`, true, 'chaos');
    const requestedAt = Date.now();
    const at = (ms: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, requestedAt + ms - Date.now())));
    const stack = localStack();
    const temporal = stack.find((c) => c.name === 'temporal')!;
    const broker = stack.find((c) => c.name === 'kafka')!;

    const schedule = (async () => {
      const steps: [number, string, () => Promise<void>][] = [
        [
          options.schedule.killWorker,
          'SIGKILL the worker, then restart it',
          async () => {
            process.kill(-worker.child.pid!, 'SIGKILL');
            await new Promise((r) => setTimeout(r, 1_000));
            worker = await startWorker();
          },
        ],
        [
          options.schedule.killBridge,
          'SIGKILL the bridge, then restart it',
          async () => {
            process.kill(-bridge.child.pid!, 'SIGKILL');
            await new Promise((r) => setTimeout(r, 1_000));
            bridge = await startBridge();
          },
        ],
        [
          options.schedule.restartTemporal,
          'restart the Temporal server (SQLite keeps its state)',
          async () => {
            await temporal.stop();
            await temporal.start();
          },
        ],
        [
          options.schedule.restartKafka,
          'restart the Kafka broker',
          async () => {
            await broker.stop();
            await broker.start();
          },
        ],
        [
          options.schedule.liftHold,
          `lift the legal hold on ${held}`,
          async () => {
            await adminPut(secret, 'orders', `${baseUrl(orders)}/admin/legal-holds/${held}`);
          },
        ],
      ];
      for (const [when, what, act] of steps.sort((a, b) => a[0] - b[0])) {
        await at(when);
        options.log(`fault: ${what}`);
        faults.push(what);
        await act();
      }
    })();

    const deadline = started + options.timeLimitMs;
    const finished = async (): Promise<boolean> => {
      const done = new Set(kafka!.lifecycle.filter((e) => e.type === 'TENANT_DELETED').map((e) => e.tenantId));
      return tenants.every((id) => done.has(id));
    };
    while (!(await finished()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
    await schedule;

    for (const instance of FLEET_INSTANCES) {
      await adminPut(secret, instance.serviceType, `${baseUrl(instance)}/admin/faults`, {
        unavailableRate: 0,
        hangRate: 0,
      });
    }
    const client = await connectTemporalClient(access);
    let terminal = 0;
    for (const tenantId of tenants) {
      const description = await client.workflow
        .getHandle(tenantWorkflowId(tenantId))
        .describe()
        .catch(() => undefined);
      if (description && description.status.name === 'COMPLETED') terminal += 1;
    }
    await client.connection.close();

    let rowsLeft = 0;
    for (const tenantId of tenants) rowsLeft += await previewTotal(secret, tenantId);
    const neighbourAfter = await Promise.all(neighbours.map((id) => previewTotal(secret, id)));
    const neighbourRowsChanged = neighbourAfter.reduce((sum, n, i) => sum + Math.abs(n - neighbourBefore[i]), 0);

    const deletedEvents = new Map<string, Set<string>>();
    for (const event of kafka.lifecycle.filter((e) => e.type === 'TENANT_DELETED')) {
      deletedEvents.set(event.tenantId, (deletedEvents.get(event.tenantId) ?? new Set()).add(event.eventId));
    }
    const doubleFinalizations = [...deletedEvents.values()].filter((ids) => ids.size > 1).length;
    const { rows } = await db.query<{ tenant_id: string; n: number }>(
      `SELECT tenant_id, count(*)::int AS n FROM service_deletion_requests
        WHERE tenant_id = ANY($1) AND status = 'COMPLETED' AND NOT dry_run GROUP BY tenant_id`,
      [tenants],
    );
    const ledgerComplete = new Set(rows.filter((r) => r.n === FLEET_INSTANCES.length).map((r) => r.tenant_id));
    const resultsPerTenant = new Map<string, Set<string>>();
    for (const result of kafka.results.filter((r) => r.status === 'COMPLETED')) {
      resultsPerTenant.set(
        result.tenantId,
        (resultsPerTenant.get(result.tenantId) ?? new Set()).add(result.serviceInstanceId),
      );
    }
    const lostRequests = tenants.filter(
      (id) =>
        !ledgerComplete.has(id) ||
        (resultsPerTenant.get(id)?.size ?? 0) !== FLEET_INSTANCES.length ||
        !deletedEvents.has(id),
    ).length;

    const summary: ChaosSummary = {
      tenants: tenants.length,
      terminal,
      rowsLeftInDeletedTenants: rowsLeft,
      neighbourRowsChanged,
      doubleFinalizations,
      lostRequests,
      faults,
      durationMs: Date.now() - started,
      ok: false,
    };
    summary.ok =
      terminal === tenants.length &&
      rowsLeft === 0 &&
      neighbourRowsChanged === 0 &&
      doubleFinalizations === 0 &&
      lostRequests === 0;
    return summary;
  } finally {
    await kafka?.close();
    await processes.stopAll();
    await db.end();
    fs.rmSync(workerConfigFile, { force: true });
  }
}
