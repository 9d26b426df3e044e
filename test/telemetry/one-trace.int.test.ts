import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { TOPICS, type TenantDeletionResult } from '@tenant-deletion/contract';
import { ADMIN_TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { kafkaClient } from '../../common/kafka-client';
import { latestCertificate } from '../../db/certificates';
import { inventoryWriter } from '../../db/inventory-writer';
import { skipRequestBacklog } from '../../scripts/kafka-backlog';
import type { RunningFleet } from '../../services/fleet/fleet';
import { instanceDatabaseUrl } from '../../services/fleet/fleet-databases';
import { tenantRecord } from '../../services/fleet/seed/registry-tenant';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import { baseUrl, FLEET_INSTANCES, registryUrl } from '../../services/fleet/topology';
import { RequestMessages, TEST_REQUESTER } from '../bridge/bridge-harness';
import { config, e2eWorkerConfig, temporalClient, uniqueTenant } from '../e2e/e2e-stack';
import { WorkerProcesses } from '../e2e/worker-processes';
import { stackTokens } from '../stack-tokens';
import { until } from '../until';
import { startOtlpReceiver, SPAN_KIND, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
import { freePort, startProgram, type ProgramProcess } from './program-process';

/**
 * The proof of issue 20's tracing: one whole-tenant deletion requested on Kafka is one trace, from the bridge's
 * consumer span through the workflows and activities to every service instance's DELETE and the registry's calls.
 * Everything runs as the real programs (`npm run fleet`, `npm run bridge`, `npm run worker`) on the real local stack,
 * exporting OTLP/HTTP to a receiver in the test. Tests run one file at a time: this file's worker is the only one
 * polling the contract's queues. The fleet is `npm run fleet` itself, on the topology's ports: none may run already.
 */

const run = randomUUID().slice(0, 8);
const tenant = uniqueTenant('trace');
const traceId = `tr-otel-${run}`;
const groupId = `bridge-trace-${run}`;
const REASON = `contract ended ${run}`;
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
/** The fleet as `npm run fleet` runs it: the topology's ports and databases. */
const fleet: RunningFleet = {
  registryUrl: registryUrl(),
  instances: FLEET_INSTANCES.map((instance) => ({ ...instance, baseUrl: baseUrl(instance) })),
  close: async () => {},
};

let receiver: OtlpReceiver;
let fleetProcess: ProgramProcess | undefined;
let bridgeProcess: ProgramProcess | undefined;
let workers: WorkerProcesses | undefined;
let producer: Producer | undefined;
let temporal: Awaited<ReturnType<typeof temporalClient>> | undefined;

/** Every program exports to the test's receiver, in small batches so that the test need not wait 5 s for each. */
function otelEnv(): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
}

/** The worker process takes the test's environment (test/e2e/worker-processes.ts), so the OTel variables go there. */
async function startTracedWorker(): Promise<WorkerProcesses> {
  const processes = new WorkerProcesses(fleet, e2eWorkerConfig());
  const added = otelEnv();
  Object.assign(process.env, added);
  try {
    await processes.start();
  } finally {
    for (const name of Object.keys(added)) delete process.env[name];
  }
  return processes;
}

async function startBridgeProcess(): Promise<ProgramProcess> {
  await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
  const port = await freePort();
  return startProgram(
    'client/bridge/main.ts',
    {
      ...otelEnv(),
      BRIDGE_PORT: String(port),
      BRIDGE_GROUP_ID: groupId,
      TENANT_REGISTRY_URL: fleet.registryUrl,
      LOG_LEVEL: 'warn',
    },
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
  );
}

/** Values that must be in no attribute: the tenant record's PII and a few customers of its orders instance. */
async function seededPii(): Promise<string[]> {
  const record = tenantRecord(tenant);
  const orders = FLEET_INSTANCES.find((instance) => instance.serviceType === 'orders')!;
  const ordersDb = new pg.Pool({ connectionString: instanceDatabaseUrl(config.DATABASE_URL, orders), max: 1 });
  try {
    const { rows } = await ordersDb.query<{ name: string; email: string | null }>(
      'SELECT name, email FROM customers WHERE tenant_id = $1 LIMIT 20',
      [tenant],
    );
    const customers = rows.flatMap((row) => [row.name, ...(row.email === null ? [] : [row.email])]);
    expect(customers.length).toBeGreaterThan(0);
    return [record.displayName, record.ownerEmail, record.billingAddress, ...customers];
  } finally {
    await ordersDb.end();
  }
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  fleetProcess = await startProgram('scripts/fleet/run.ts', { ...otelEnv(), LOG_LEVEL: 'warn' }, (output) =>
    output.includes('the fleet is running'),
  );
  workers = await startTracedWorker();
  bridgeProcess = await startBridgeProcess();
  temporal = await temporalClient();
  producer = kafkaClient(config.KAFKA_BROKERS, 'one-trace-test').producer();
  await producer.connect();
}, 300_000);
afterAll(async () => {
  await producer?.disconnect();
  await temporal?.close();
  await bridgeProcess?.stop();
  workers?.close();
  await fleetProcess?.stop();
  await receiver?.close();
  await db.end();
});

/** The contract traceIds of the tenant's ledger rows. */
async function ledgerTraceIds(): Promise<string[]> {
  const { rows } = await db.query<{ trace_id: string }>(
    'SELECT DISTINCT trace_id FROM service_deletion_requests WHERE tenant_id = $1',
    [tenant],
  );
  return rows.map((row) => row.trace_id);
}

/** The span and its ancestors, nearest first; stops where a parent is missing. */
function ancestry(span: ReceivedSpan, byId: Map<string, ReceivedSpan>): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  let parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
  while (parent) {
    chain.push(parent);
    parent = parent.parentSpanId === undefined ? undefined : byId.get(parent.parentSpanId);
  }
  return chain;
}

describe('one whole-tenant deletion from Kafka is one trace', () => {
  it('holds the bridge, the parent and child workflows, the activities, every DELETE and the registry calls, linked, with no PII or token', async () => {
    await seedTenant({
      tenantId: tenant,
      records: 600,
      databaseUrl: config.DATABASE_URL,
      inventory: inventoryWriter(config.DATABASE_URL),
      registry: { url: fleet.registryUrl, signer: (await stackTokens()).signers[ADMIN_TOKEN_ISSUER] },
    });
    const pii = await seededPii();
    const signed = (await RequestMessages.signedAs()).wholeTenant(tenant, traceId);
    // With a reason, which the workflow keeps for the audit trail and no span may carry.
    const envelope = JSON.parse(signed.value) as { authorization: string; payload: Record<string, unknown> };
    envelope.payload.reason = REASON;
    const message = { ...signed, value: JSON.stringify(envelope) };
    await producer!.send({ topic: TOPICS.tenantDeletionRequest, messages: [message] });

    // The workflow records the requests in the ledger once the bridge has handed the message over.
    await until(async () => (await ledgerTraceIds()).length > 0, 'the request in the ledger', 60_000);
    const handle = temporal!.client.workflow.getHandle(`tenant-deletion:${tenant}`);
    const result: TenantDeletionResult = await handle.result();
    expect(result.status).toBe('COMPLETED');
    // The reason reached the certificate, so its absence from the spans below means something.
    const certified = await latestCertificate(db, tenant);
    expect(certified?.certificate.body.requests.map((request) => request.reason)).toEqual([REASON]);
    expect(result.instances.map((instance) => instance.status)).toEqual(FLEET_INSTANCES.map(() => 'COMPLETED'));

    // Spans leave each program in batches: wait for the last ones (the parent's own span ends last) and a quiet spell.
    const isParentRun = (span: ReceivedSpan) => span.name === 'RunWorkflow:TenantDeletionWorkflow';
    await until(() => receiver.spans().some(isParentRun), "the parent workflow's span", 60_000);
    let seen = -1;
    await until(
      async () => {
        const now = receiver.spans().length;
        const quiet = now === seen;
        seen = now;
        if (!quiet) await new Promise((resolve) => setTimeout(resolve, 2_000));
        return quiet;
      },
      'the exporters to go quiet',
      60_000,
    );
    expect(receiver.rejected()).toEqual([]);

    // The trace is the one the instances' DELETE handling is in.
    const spans = receiver.spans();
    const deletes = spans.filter(
      (span) =>
        span.kind === SPAN_KIND.server &&
        span.attributes['http.request.method'] === 'DELETE' &&
        span.attributes['tdel.tenant_id'] === tenant &&
        span.attributes['tdel.service_instance_id'] !== undefined,
    );
    const traceIds = [...new Set(deletes.map((span) => span.traceId))];
    expect(traceIds).toHaveLength(1);
    const trace = spans.filter((span) => span.traceId === traceIds[0]);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const names = (list: ReceivedSpan[]) => list.map((span) => span.name);

    // One root, the bridge's consumer span; every other span's parent is in the trace.
    const roots = trace.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => [span.serviceName, span.kind])).toEqual([['tdel-bridge', SPAN_KIND.consumer]]);
    const orphans = trace.filter((span) => span.parentSpanId !== undefined && !byId.has(span.parentSpanId));
    expect(names(orphans)).toEqual([]);
    const root = roots[0];

    // The parent workflow, under the bridge's hand-over.
    const parentRuns = trace.filter(isParentRun);
    expect(parentRuns).toHaveLength(1);
    expect(ancestry(parentRuns[0], byId)).toContain(root);

    // A child workflow per instance, each under the parent's run.
    const childRuns = trace.filter((span) => span.name === 'RunWorkflow:ServiceInstanceDeletionWorkflow');
    expect(childRuns.length).toBeGreaterThanOrEqual(FLEET_INSTANCES.length);
    for (const child of childRuns) expect(ancestry(child, byId)).toContain(parentRuns[0]);

    // Activities, of the parent and of the children.
    const activities = trace.filter((span) => span.name.startsWith('RunActivity:'));
    expect(activities.some((span) => ancestry(span, byId)[0]?.name.startsWith('StartActivity:'))).toBe(true);
    expect(activities.some((span) => ancestry(span, byId).includes(parentRuns[0]))).toBe(true);
    expect(activities.some((span) => childRuns.some((child) => ancestry(span, byId).includes(child)))).toBe(true);

    // Each instance's DELETE handling: a server span of the fleet per instance, under an activity of its child.
    const deleted = [...new Set(deletes.map((span) => span.attributes['tdel.service_instance_id']))].sort();
    expect(deleted).toEqual(FLEET_INSTANCES.map((instance) => instance.serviceInstanceId).sort());
    for (const span of deletes) {
      expect(span.serviceName).toBe('tdel-fleet');
      const chain = ancestry(span, byId);
      expect(chain.some((ancestor) => ancestor.name.startsWith('RunActivity:'))).toBe(true);
      expect(chain.some((ancestor) => childRuns.includes(ancestor))).toBe(true);
      expect(chain).toContain(root);
    }
    // Their queries are in it too, under the DELETE spans.
    const queries = trace.filter((span) => span.scope === '@opentelemetry/instrumentation-pg');
    expect(queries.some((span) => deletes.some((handled) => ancestry(span, byId).includes(handled)))).toBe(true);
    // Statements with placeholders; the values they were run with (enhancedDatabaseReporting) are not recorded.
    expect(queries.filter((span) => 'db.postgresql.values' in span.attributes)).toEqual([]);

    // The registry's calls from the activities: the record's age, the suspension and the erasure.
    const registrySpans = trace.filter(
      (span) => span.kind === SPAN_KIND.server && span.attributes['tdel.service_type'] === 'tenant-registry',
    );
    expect(names(registrySpans)).toEqual(
      expect.arrayContaining([
        'GET /tenants/:tenantId',
        'POST /tenants/:tenantId/suspend',
        'DELETE /tenants/:tenantId',
      ]),
    );
    for (const span of registrySpans) {
      expect(ancestry(span, byId).some((ancestor) => ancestor.name.startsWith('RunActivity:'))).toBe(true);
    }

    // The contract's traceId is the link to the ledger.
    const contractTraceIds = new Set(
      trace.flatMap((span) =>
        span.attributes['tdel.trace_id'] === undefined ? [] : [span.attributes['tdel.trace_id']],
      ),
    );
    expect([...contractTraceIds]).toEqual([traceId]);
    expect(await ledgerTraceIds()).toEqual([traceId]);

    // Nothing of the requester, the token or the tenant's data, in any attribute of any span received.
    const forbidden = [envelope.authorization, 'eyJ', TEST_REQUESTER.subject, 'admin-1', REASON, ...pii];
    const leaks = receiver.spans().flatMap((span) =>
      Object.entries(span.attributes).flatMap(([key, value]) => {
        const text = String(value);
        const found = forbidden.filter((secret) => text.includes(secret));
        if (/authorization/i.test(key)) found.push('an authorization attribute');
        return found.map((what) => `${span.serviceName} ${span.name} ${key}: ${what}`);
      }),
    );
    expect(leaks).toEqual([]);
  }, 600_000);
});
