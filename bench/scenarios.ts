import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../common/config';
import { mintServiceToken, type TokenSigner } from '@tenant-deletion/contract/service-token';
import { connectTemporalClient, type TemporalAccess } from '../common/temporal-connection';
import { upsertInstances } from '../db/service-instances';
import { seedTenant, baseUrl, FLEET_INSTANCES, registryUrl } from '@tenant-deletion/example-fleet';
import { KafkaTraffic } from '../scripts/demo/kafka-traffic';
import { gatherDelete } from './gather-delete';
import { rawSqlDelete, rawSqlDeleteInOrder } from './raw-sql-delete';
import { inventoryWriter } from '../db/inventory-writer';

/** One measurement each, on the running fleet, workers and bridge; times in milliseconds. */

export interface BenchContext {
  config: Config;
  temporal: TemporalAccess;
  /** The local stack's keys: the orchestrator's for the naive baseline, the admins' for seeding and fault knobs. */
  signers: { orchestrator: TokenSigner; admin: TokenSigner };
  run: string;
}

const tenantOf = (ctx: BenchContext, label: string) => `bench-${ctx.run}-${label}-${randomBytes(2).toString('hex')}`;

async function seed(ctx: BenchContext, tenantId: string, records: number): Promise<number> {
  const seeded = await seedTenant({
    tenantId,
    records,
    databaseUrl: ctx.config.DATABASE_URL,
    inventory: inventoryWriter(ctx.config.DATABASE_URL),
    registry: { url: registryUrl(), signer: ctx.signers.admin },
  });
  return seeded.records + seeded.files;
}

/** Kafka request → TENANT_DELETED, as an upstream system sees it. */
export async function orchestratorDelete(
  ctx: BenchContext,
  records: number,
): Promise<{ tenantId: string; records: number; ms: number }> {
  const tenantId = tenantOf(ctx, 'orch');
  const seeded = await seed(ctx, tenantId, records);
  const kafka = await KafkaTraffic.open(ctx.config.KAFKA_BROKERS, [tenantId]);
  try {
    const started = Date.now();
    await kafka.requestTenantDeletion(tenantId, `trace-${ctx.run}`, true, 'bench');
    await kafka.waitFor(
      kafka.lifecycle,
      (e) => e.tenantId === tenantId && e.type === 'TENANT_DELETED',
      'TENANT_DELETED',
      1_800_000,
    );
    return { tenantId, records: seeded, ms: Date.now() - started };
  } finally {
    await kafka.close();
  }
}

export async function gatherBaseline(ctx: BenchContext, records: number): Promise<number> {
  const tenantId = tenantOf(ctx, 'gather');
  await seed(ctx, tenantId, records);
  const started = Date.now();
  await gatherDelete(ctx.signers.orchestrator, tenantId);
  return Date.now() - started;
}

export async function rawSqlBaseline(ctx: BenchContext, records: number, inOrder = false): Promise<number> {
  const tenantId = tenantOf(ctx, inOrder ? 'rawordered' : 'raw');
  await seed(ctx, tenantId, records);
  const started = Date.now();
  await (inOrder ? rawSqlDeleteInOrder : rawSqlDelete)(ctx.config.DATABASE_URL, tenantId);
  return Date.now() - started;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Many small tenants through the bridge: throughput and each tenant's latency. All sent at once (`spreadMs` 0: the
 * throughput), or spread evenly over `spreadMs` (the latency a steady arrival rate gets).
 */
export async function smallTenants(ctx: BenchContext, tenants: number, records: number, spreadMs = 0) {
  const ids = Array.from({ length: tenants }, (_, i) => tenantOf(ctx, `small${i}`));
  for (const id of ids) await seed(ctx, id, records);
  const kafka = await KafkaTraffic.open(ctx.config.KAFKA_BROKERS, ids);
  try {
    const sent = new Map<string, number>();
    const started = Date.now();
    for (const [i, id] of ids.entries()) {
      const due = started + (spreadMs * i) / tenants;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      sent.set(id, Date.now());
      await kafka.requestTenantDeletion(id, `trace-${ctx.run}`, false, 'bench');
    }
    const latencies = await Promise.all(
      ids.map(async (id) => {
        await kafka.waitFor(
          kafka.lifecycle,
          (e) => e.tenantId === id && e.type === 'TENANT_DELETED',
          'TENANT_DELETED',
          1_800_000,
        );
        return Date.now() - sent.get(id)!;
      }),
    );
    const totalMs = Date.now() - started;
    return {
      tenantIds: ids,
      tenants,
      spreadMs,
      perMinute: Math.round((tenants / totalMs) * 60_000 * 10) / 10,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
    };
  } finally {
    await kafka.close();
  }
}

async function setTrainingLatency(admin: TokenSigner, latencyMs: number): Promise<void> {
  const training = FLEET_INSTANCES.find((i) => i.serviceType === 'training')!;
  const token = await mintServiceToken(admin, { audience: 'training', subject: 'bench', scopes: ['kit:faults'] });
  const response = await fetch(`${baseUrl(training)}/admin/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs }),
  });
  if (!response.ok) throw new Error(`training refused the fault setting: ${response.status}`);
}

/**
 * The bulkhead: how long a fast type's deletions take, alone and while a slow type's queue is saturated. Tenants
 * here have two independent instances, notification-1 (fast) and training-1 (slowed to 2 s per call).
 */
export async function bulkhead(ctx: BenchContext, tenants: number) {
  const db = new pg.Pool({ connectionString: ctx.config.DATABASE_URL, max: 2 });
  const client = await connectTemporalClient(ctx.temporal);
  const used = FLEET_INSTANCES.filter((i) => ['notification-1', 'training-1'].includes(i.serviceInstanceId));
  const fastDurations = async (withSlow: boolean): Promise<number[]> => {
    const ids = Array.from({ length: tenants }, (_, i) => tenantOf(ctx, `bulk${withSlow ? 's' : 'a'}${i}`));
    for (const id of ids) {
      await seedTenant({
        tenantId: id,
        records: 200,
        databaseUrl: ctx.config.DATABASE_URL,
        registry: { url: registryUrl(), signer: ctx.signers.admin },
        instances: used,
      });
      const mine = withSlow ? used : used.filter((i) => i.serviceType === 'notification');
      await upsertInstances(
        db,
        id,
        mine.map((i) => ({
          serviceInstanceId: i.serviceInstanceId,
          serviceType: i.serviceType,
          baseUrl: baseUrl(i),
          dependsOn: [],
        })),
      );
    }
    const kafka = await KafkaTraffic.open(ctx.config.KAFKA_BROKERS, ids);
    try {
      for (const id of ids) await kafka.requestTenantDeletion(id, `trace-${ctx.run}`, false, 'bench');
      await Promise.all(
        ids.map((id) =>
          kafka.waitFor(
            kafka.lifecycle,
            (e) => e.tenantId === id && e.type === 'TENANT_DELETED',
            'TENANT_DELETED',
            1_800_000,
          ),
        ),
      );
    } finally {
      await kafka.close();
    }
    return Promise.all(
      ids.map(async (id) => {
        const child = await client.workflow.getHandle(`service-deletion:${id}:notification-1`).describe();
        return child.closeTime!.getTime() - child.startTime.getTime();
      }),
    );
  };
  try {
    const alone = await fastDurations(false);
    await setTrainingLatency(ctx.signers.admin, 2_000);
    const saturated = await fastDurations(true);
    return { fastP95AloneMs: percentile(alone, 95), fastP95SaturatedMs: percentile(saturated, 95) };
  } finally {
    await setTrainingLatency(ctx.signers.admin, 0).catch(() => undefined);
    await client.connection.close();
    await db.end();
  }
}

/** Valid requests handed over per second: the bridge's own throughput, read from its metrics. */
/** Requests handed over per second, summed over every bridge of the group (`metricsUrls`). */
export async function bridgeThroughput(ctx: BenchContext, messages: number, metricsUrls: string[]) {
  const handedOverBy = async (metricsUrl: string) => {
    const text = await (await fetch(metricsUrl)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('bridge_requests_handed_over_total'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  const handedOver = async () =>
    (await Promise.all(metricsUrls.map(handedOverBy))).reduce((sum, count) => sum + count, 0);
  const ids = Array.from({ length: messages }, (_, i) => tenantOf(ctx, `unknown${i}`));
  const kafka = await KafkaTraffic.open(ctx.config.KAFKA_BROKERS, []);
  try {
    const before = await handedOver();
    const started = Date.now();
    await Promise.all(ids.map((id) => kafka.requestInstanceDeletion(id, 'orders', 'orders-1', `trace-${ctx.run}`)));
    while ((await handedOver()) - before < messages) await new Promise((resolve) => setTimeout(resolve, 100));
    const messagesPerSecond = Math.round((messages / (Date.now() - started)) * 1000);
    await untilClosed(ctx, `tenant-deletion:bench-${ctx.run}-unknown`);
    return { messagesPerSecond };
  } finally {
    await kafka.close();
  }
}

/**
 * Waits for the workflows the bridge started to reject their unknown tenants and end: stopped mid-way with the
 * bench's worker, they would run in whatever next starts a worker on this stack and slow it down.
 */
async function untilClosed(ctx: BenchContext, workflowIdPrefix: string): Promise<void> {
  const client = await connectTemporalClient(ctx.temporal);
  const query = `ExecutionStatus="Running" AND WorkflowId STARTS_WITH "${workflowIdPrefix}"`;
  try {
    const deadline = Date.now() + 300_000;
    while ((await client.workflow.count(query)).count > 0) {
      if (Date.now() > deadline) throw new Error(`workflows matching ${query} still run after 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await client.connection.close();
  }
}
