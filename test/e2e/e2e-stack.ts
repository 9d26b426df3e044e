import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pg from 'pg';
import pino from 'pino';
import { ensureLocalSigningKey, loadSigningKey } from '../../common/certificates/signing-key';
import { loadConfig } from '../../common/config';
import { kafkaClient, kafkaPublisher, type EventPublisher } from '../../common/kafka-client';
import { ADMIN_TOKEN_ISSUER, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { parseWorkerConfig, type WorkerConfig } from '../../common/worker-config';
import { createGuardRailActivities } from '../../activities/guard-rail-activities';
import { createInstanceActivities } from '../../activities/instance-activities';
import { RegistryClient } from '../../activities/registry-client';
import { createTenantActivities, type GuardRailSettings } from '../../activities/tenant-activities';
import { instanceDatabaseUrl } from '../../services/fleet/fleet-databases';
import { startFleet, type RunningFleet } from '../../services/fleet/fleet';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import { FLEET_INSTANCES, type FleetInstance } from '../../services/fleet/topology';
import { createWorkerPool } from '../../workers/worker-pool';
import { requestDeletion } from '@tenant-deletion/client';
import { inventoryWriter } from '../../db/inventory-writer';
import { stackTokens } from '../stack-tokens';

/**
 * End to end on the real local stack: the shared Temporal server, Kafka and Postgres, the real fleet (its own
 * e2e_* databases and free ports) and the real activities. Tests run one file at a time, so the worker pool
 * started here is the only one polling the contract's queues.
 */

export const config = loadConfig();
/** The workers here and `npm run worker`, `tdel` or the bridge started by a test share the codec and its keys. */
const access = temporalAccess(config);
export const E2E_INSTANCES: FleetInstance[] = FLEET_INSTANCES.map((i) => ({ ...i, database: `e2e_${i.database}` }));
export const fileRoot = (serviceType: string) => path.join(os.tmpdir(), 'tdel-e2e-files', serviceType);

export function uniqueTenant(label: string): string {
  return `e2e-${label}-${randomUUID().slice(0, 8)}`;
}

export function e2eWorkerConfig(overrides: Record<string, unknown> = {}): WorkerConfig {
  return parseWorkerConfig({
    orchestration: { holdRecheckSeconds: 1 },
    defaults: { heartbeatTimeoutSeconds: 5, retry: { maxAttempts: 5, initialIntervalMs: 200, maxIntervalMs: 2_000 } },
    groups: { all: { orchestration: true, serviceTypes: [...new Set(E2E_INSTANCES.map((i) => i.serviceType))] } },
    metricsPort: 0,
    // A test's stop() cancels what still runs at once, as before drains existed; worker-drain.int.test.ts sets one.
    shutdownGraceSeconds: 0,
    ...overrides,
  });
}

/**
 * The fleet trusts the local stack's token keys (test/stack-tokens.ts), so that any worker, `tdel` or API a test
 * spawns signs what it accepts.
 */
export async function startE2eFleet(serviceOptions: Parameters<typeof startFleet>[0]['serviceOptions'] = {}) {
  return startFleet({
    databaseUrl: config.DATABASE_URL,
    tokens: (await stackTokens()).fleet,
    ports: 'ephemeral',
    instances: E2E_INSTANCES,
    fileRoot,
    serviceOptions,
    logger: pino({ level: 'warn' }),
  });
}

/** `owner`: the subject the registry records as the tenant's owner (who may delete it through the deletion API). */
export async function seed(fleet: RunningFleet, tenantId: string, records: number, owner?: string) {
  return seedTenant({
    tenantId,
    records,
    databaseUrl: config.DATABASE_URL,
    inventory: inventoryWriter(config.DATABASE_URL),
    registry: await registryFor(fleet, owner),
    instances: E2E_INSTANCES,
    baseUrls: Object.fromEntries(fleet.instances.map((i) => [i.serviceInstanceId, i.baseUrl])),
    fileRoot,
  });
}

export async function startWorkers(
  fleet: RunningFleet,
  workerConfig = e2eWorkerConfig(),
  guardRails: Partial<GuardRailSettings> = {},
  blastRadius: 'lifted' | 'default' = 'lifted',
) {
  const defaults = loadConfig({});
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
  const publisher: EventPublisher = await kafkaPublisher(config, 'e2e-worker');
  const connection = await NativeConnection.connect(access.connection);
  const signer = await stackSigner();
  const registry = new RegistryClient(fleet.registryUrl, signer);
  // The local stack's key (as `npm run worker` uses), so that `tdel certificate --verify` accepts what tests issue.
  ensureLocalSigningKey();
  const certificateSigner = loadSigningKey();
  const workers: Worker[] = await createWorkerPool({
    connection,
    namespace: access.namespace,
    dataConverter: access.dataConverter,
    config: workerConfig,
    groups: [],
    tenantActivities: {
      ...createTenantActivities({
        db,
        publisher,
        registry,
        workerConfig,
        guardRails: {
          approvalThresholdRecords: config.APPROVAL_THRESHOLD_RECORDS,
          gracePeriodSeconds: 0,
          ...guardRails,
        },
        certificateSigner,
      }),
      // Developers run these tests many times a day: the blast-radius cap is the guard-rail tests' business.
      ...createGuardRailActivities({
        db,
        registry,
        config:
          blastRadius === 'lifted'
            ? { ...config, BLAST_RADIUS_MAX_WHOLE_TENANT: 1_000_000 }
            : {
                ...config,
                BLAST_RADIUS_MAX_WHOLE_TENANT: defaults.BLAST_RADIUS_MAX_WHOLE_TENANT,
                BLAST_RADIUS_WINDOW_HOURS: defaults.BLAST_RADIUS_WINDOW_HOURS,
              },
      }),
    },
    instanceActivities: createInstanceActivities({ db, signer, workerConfig }),
  });
  const running = workers.map((worker) => worker.run());
  return {
    async stop() {
      workers.forEach((worker) => worker.shutdown());
      await Promise.all(running);
      await Promise.allSettled([connection.close(), publisher.close(), db.end()]);
    },
  };
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const client = await connectTemporalClient(access);
  return { client, close: () => client.connection.close() };
}

/** A whole-tenant deletion of the tenant by an admin (not GDPR unless asked), with fresh request and trace ids. */
export async function requestWholeTenant(client: Client, tenantId: string, gdprMode = false) {
  return requestDeletion(client, {
    requestId: `r-${randomUUID()}`,
    tenantId,
    requestedBy: 'admin-e2e',
    traceId: `trace-${randomUUID().slice(0, 8)}`,
    gdprMode,
    dryRun: false,
  });
}

/** The orchestrator's signer of the local stack, as the workers hold it. */
export async function stackSigner() {
  return (await stackTokens()).signers[TOKEN_ISSUER];
}

/** The seeder's registry access: the admins' key, as `npm run fleet:seed` has. */
export async function registryFor(fleet: RunningFleet, owner?: string) {
  return { url: fleet.registryUrl, signer: (await stackTokens()).signers[ADMIN_TOKEN_ISSUER], owner };
}

/** Every instance's preview for a tenant, through the contract endpoint. */
export async function previews(fleet: RunningFleet, tenantId: string): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  const { mint } = await stackTokens();
  for (const instance of fleet.instances) {
    const token = await mint(instance.serviceType, 'tenant-data:preview', 'e2e');
    const response = await fetch(`${instance.baseUrl}/tenant/${tenantId}/deletion-preview`, {
      headers: { authorization: `Bearer ${token}` },
    });
    totals[instance.serviceInstanceId] = ((await response.json()) as { total: number }).total;
  }
  return totals;
}

/** Row counts of every domain table of every instance, to prove what a deletion did not touch. */
export async function tableTotals(): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const instance of E2E_INSTANCES) {
    const db = new pg.Pool({ connectionString: instanceDatabaseUrl(config.DATABASE_URL, instance), max: 1 });
    try {
      const { rows } = await db.query<{ name: string }>(
        `SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' AND relname <> 'pgmigrations' AND relname NOT LIKE 'kit\\_%'`,
      );
      for (const { name } of rows) {
        const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(name)}`);
        totals[`${instance.serviceInstanceId}/${name}`] = Number(result.rows[0].n);
      }
    } finally {
      await db.end();
    }
  }
  return totals;
}

/** The messages of one topic keyed by a tenant, read from the beginning. */
export async function topicMessages(topic: string, key: string, atLeast: number, timeoutMs = 15_000) {
  const consumer = kafkaClient(config.KAFKA_BROKERS, 'e2e-reader').consumer({ groupId: `e2e-${randomUUID()}` });
  const found: { value: Record<string, unknown>; eventId: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== key) return;
        found.push({
          value: JSON.parse(message.value!.toString()),
          eventId: message.headers?.['event-id']?.toString() ?? '',
        });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (found.length < atLeast && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // A little longer, so that duplicates, if any, show up too.
    await new Promise((r) => setTimeout(r, 1_000));
    return found;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Seeds a tenant on some instances of the fleet only: the inventory lists just those (with the dependencies among
 * them), so that a test about one service waits for no other.
 */
export async function seedOn(fleet: RunningFleet, tenantId: string, records: number, serviceInstanceIds: string[]) {
  return seedTenant({
    tenantId,
    records,
    databaseUrl: config.DATABASE_URL,
    inventory: inventoryWriter(config.DATABASE_URL),
    registry: await registryFor(fleet),
    instances: E2E_INSTANCES.filter((instance) => serviceInstanceIds.includes(instance.serviceInstanceId)),
    baseUrls: Object.fromEntries(fleet.instances.map((i) => [i.serviceInstanceId, i.baseUrl])),
    fileRoot,
  });
}

/**
 * An admin's call to one instance (legal holds, fault knobs), with an admins' token for its service type and the
 * route's scope; throws unless 2xx.
 */
export async function adminCall(
  fleet: RunningFleet,
  serviceInstanceId: string,
  method: 'GET' | 'PUT' | 'DELETE',
  adminPath: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const instance = fleet.instances.find((i) => i.serviceInstanceId === serviceInstanceId)!;
  const scope = adminPath.startsWith('/admin/legal-holds/') ? 'legal-hold:admin' : 'kit:faults';
  const token = await (await stackTokens()).mint(instance.serviceType, scope, 'e2e-admin');
  const response = await fetch(`${instance.baseUrl}${adminPath}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${method} ${adminPath} at ${serviceInstanceId}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Replaces every fault knob of one instance (see services/kit/faults.ts); `{}` turns them all off. */
export async function setFaults(fleet: RunningFleet, serviceInstanceId: string, faults: Record<string, unknown>) {
  return adminCall(fleet, serviceInstanceId, 'PUT', '/admin/faults', faults);
}

/** Rows of a tenant in one instance's database, by SQL, in every table with the tenant column. */
export async function tenantRowsBySql(serviceInstanceId: string, tenantId: string): Promise<Record<string, number>> {
  const instance = E2E_INSTANCES.find((i) => i.serviceInstanceId === serviceInstanceId)!;
  const db = new pg.Pool({ connectionString: instanceDatabaseUrl(config.DATABASE_URL, instance), max: 1 });
  try {
    const { rows } = await db.query<{ name: string }>(
      `SELECT c.table_name AS name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
          AND c.table_name NOT LIKE 'kit\\_%' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of rows) {
      const result = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${pg.escapeIdentifier(name)} WHERE tenant_id = $1`,
        [tenantId],
      );
      counts[name] = Number(result.rows[0].n);
    }
    return counts;
  } finally {
    await db.end();
  }
}

/**
 * startWorkers, but with the blast-radius cap and window at the configuration's defaults (50 whole-tenant starts in
 * 24 h) where startWorkers lifts the cap: for the tests of the cap itself. The count is global (every test's
 * whole-tenant starts land in one table), so such a test must leave the counter's table as it found it.
 */
export async function startWorkersWithDefaultBlastRadius(
  fleet: RunningFleet,
  guardRails: Partial<GuardRailSettings> = {},
  workerConfig = e2eWorkerConfig(),
) {
  const defaults = loadConfig({});
  return {
    ...(await startWorkers(fleet, workerConfig, guardRails, 'default')),
    blastRadius: { max: defaults.BLAST_RADIUS_MAX_WHOLE_TENANT, windowHours: defaults.BLAST_RADIUS_WINDOW_HOURS },
  };
}
