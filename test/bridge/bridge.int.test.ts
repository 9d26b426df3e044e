import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Admin, Consumer, Producer } from 'kafkajs';
import pino from 'pino';
import { loadConfig } from '../../common/config';
import { TOPICS } from '../../common/contract';
import { kafkaClient } from '../../common/kafka-client';
import { temporalAccess } from '../../common/temporal-connection';
import { startBridge, type RunningBridge } from '../../client/bridge/bridge';
import { loadBridgeConfig } from '../../client/bridge/bridge-config';
import { BridgeMetrics } from '../../client/bridge/bridge-metrics';
import type { TenantDeletionResult } from '../../common/deletion-outcome';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { skipRequestBacklog, startAtEnd } from '../../scripts/kafka-backlog';
import { until } from '../until';

/** The bridge on the real Kafka broker, handing over to a private Temporal server running the fake fleet. */

const config = loadConfig();
/** How long a step of the bridge under test may take on a loaded 2-core machine. */
const BRIDGE_WAIT_MS = 60_000;
const kafka = kafkaClient(config.KAFKA_BROKERS, 'bridge-test');
const run = randomUUID().slice(0, 8);
let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let producer: Producer;
let admin: Admin;
let dlq: Consumer;
const dlqRecords: { error: { code: string }; source: { key: string | null; offset: string } }[] = [];

async function bridgeFor(groupId: string, temporalAddress: string, fresh = true): Promise<RunningBridge> {
  // A new test group starts at the end of the request topics, not at the shared broker's backlog.
  if (fresh) await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
  return startBridge({
    config,
    temporal: temporalAccess({ ...config, TEMPORAL_ADDRESS: temporalAddress }),
    bridge: { ...loadBridgeConfig({}), BRIDGE_GROUP_ID: groupId },
    logger: pino({ level: 'silent' }),
    metrics: new BridgeMetrics(),
  });
}

function wholeTenant(tenantId: string, traceId: string) {
  return {
    key: tenantId,
    value: JSON.stringify({
      traceId,
      key: tenantId,
      payload: { tenantId, requestedBy: 'admin-1', timestamp: new Date().toISOString(), gdprMode: false },
    }),
  };
}

function oneInstance(tenantId: string, traceId: string, serviceInstanceId: string) {
  return {
    key: tenantId,
    value: JSON.stringify({
      traceId,
      key: tenantId,
      payload: {
        tenantId,
        serviceType: serviceInstanceId.split('-')[0],
        serviceInstanceId,
        requestedBy: 'admin-1',
        timestamp: new Date().toISOString(),
        gdprMode: false,
      },
    }),
  };
}

/** Committed offsets of a group equal the end of every partition: nothing left to read. */
async function lag(groupId: string): Promise<number> {
  let behind = 0;
  for (const topic of [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest]) {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const end of ends) {
      const at = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      behind += Number(end.high) - Math.max(Number(at), Number(end.low));
    }
  }
  return behind;
}

beforeAll(async () => {
  harness = await startTestEnvironment();
  producer = kafka.producer();
  admin = kafka.admin();
  dlq = kafka.consumer({ groupId: `bridge-test-dlq-${run}` });
  await startAtEnd(config.KAFKA_BROKERS, `bridge-test-dlq-${run}`, [TOPICS.deadLetter]);
  await Promise.all([producer.connect(), admin.connect(), dlq.connect()]);
  await dlq.subscribe({ topic: TOPICS.deadLetter });
  await dlq.run({ eachMessage: async ({ message }) => void dlqRecords.push(JSON.parse(message.value!.toString())) });
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([producer?.disconnect(), admin?.disconnect(), dlq?.disconnect()]);
  await harness?.teardown();
});

describe('the Kafka bridge', () => {
  it('hands valid requests over once, even when they are delivered twice', async () => {
    const bridge = await bridgeFor(`bridge-test-${run}-a`, harness.env.address);
    try {
      const whole = `br-whole-${run}`;
      const partial = `br-part-${run}`;
      harness.fleet.addTenant(whole, [['app-1', ['db-1']], ['db-1']]);
      harness.fleet.addTenant(partial, [['app-1'], ['report-1']]);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      harness.fleet.behave(partial, 'app-1', async () => (await gate, { rows: 1 }));
      await producer.send({
        topic: TOPICS.tenantDeletionRequest,
        messages: [wholeTenant(whole, 'tr-w'), wholeTenant(whole, 'tr-w')],
      });
      await producer.send({
        topic: TOPICS.serviceDeletionRequest,
        messages: [
          oneInstance(partial, 'tr-1', 'app-1'),
          oneInstance(partial, 'tr-1', 'app-1'),
          oneInstance(partial, 'tr-2', 'app-1'),
        ],
      });
      await until(
        () => harness.fleet.finishedAt(whole, 'db-1') < Infinity,
        'the whole-tenant deletion',
        BRIDGE_WAIT_MS,
      );
      release();
      await until(
        () => harness.fleet.finishedAt(partial, 'app-1') < Infinity,
        'the per-instance deletion',
        BRIDGE_WAIT_MS,
      );
      const result: TenantDeletionResult = await harness.client.workflow
        .getHandle(`tenant-deletion:${partial}`)
        .result();
      expect(result.requests.map((r) => r.requestId).sort()).toEqual([
        `tr-1:${partial}:app-1`,
        `tr-2:${partial}:app-1`,
      ]);
      expect(
        harness.fleet
          .callsOf(whole)
          .map((c) => c.serviceInstanceId)
          .sort(),
      ).toEqual(['app-1', 'db-1']);
      expect(harness.fleet.callsOf(partial).map((c) => c.serviceInstanceId)).toEqual(['app-1']);
      expect(dlqRecords.filter((r) => [whole, partial].includes(r.source.key ?? ''))).toEqual([]);
    } finally {
      await bridge.close();
    }
  }, 120_000);

  it("keeps one tenant's requests in order while other tenants' go side by side", async () => {
    const bridge = await bridgeFor(`bridge-test-${run}-order`, harness.env.address);
    try {
      const ordered = `br-order-${run}`;
      const others = Array.from({ length: 6 }, (_, i) => `br-other${i}-${run}`);
      for (const tenantId of [ordered, ...others]) harness.fleet.addTenant(tenantId, [['app-1']]);
      const traces = Array.from({ length: 8 }, (_, i) => `tr-${i}`);
      await producer.send({
        topic: TOPICS.serviceDeletionRequest,
        messages: traces.flatMap((traceId, i) => [
          oneInstance(ordered, traceId, 'app-1'),
          oneInstance(others[i % others.length], traceId, 'app-1'),
        ]),
      });
      const handle = harness.client.workflow.getHandle(`tenant-deletion:${ordered}`);
      await until(
        () =>
          handle.describe().then(
            () => true,
            () => false,
          ),
        'the handed-over workflow',
        BRIDGE_WAIT_MS,
      );
      const result: TenantDeletionResult = await handle.result();
      // The workflow takes requests in the order their signals arrive: this is the order the bridge handed over.
      expect(result.requests.map((r) => r.requestId)).toEqual(traces.map((traceId) => `${traceId}:${ordered}:app-1`));
      for (const tenantId of others) {
        await until(
          () => harness.fleet.finishedAt(tenantId, 'app-1') < Infinity,
          `${tenantId}'s deletion`,
          BRIDGE_WAIT_MS,
        );
      }
    } finally {
      await bridge.close();
    }
  }, 120_000);

  it('dead-letters 1,000 malformed messages with reasons, stays alive, and catches up', async () => {
    const groupId = `bridge-test-${run}-fuzz`;
    const bridge = await bridgeFor(groupId, harness.env.address);
    try {
      const key = `fuzz-${run}`;
      const valid = JSON.parse(wholeTenant(key, 'tr-f').value);
      const malformed = fc.sample(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          fc
            .record({ traceId: fc.string(), key: fc.constant(key), payload: fc.object() })
            .map((o) => JSON.stringify(o)),
          fc
            .record({
              tenantId: fc.constantFrom(
                key,
                'other-tenant',
                "x'; DROP TABLE tenants;--",
                '../../etc/passwd',
                'a'.repeat(65),
              ),
              gdprMode: fc.constantFrom(true, 'true', 1, null),
              timestamp: fc.constantFrom('2026-02-11T12:00:00Z', '2026-02-11', 'yesterday'),
            })
            .filter((p) => !(p.tenantId === key && p.gdprMode === true && p.timestamp.endsWith('Z')))
            .map((p) => JSON.stringify({ ...valid, payload: { ...valid.payload, ...p } })),
          fc.constant(JSON.stringify({ ...valid, pad: 'x'.repeat(66_000) })),
        ),
        1_000,
      );
      // Small batches: a few oversized messages must not push a batch past the broker's own limit.
      for (let i = 0; i < malformed.length; i += 10) {
        await producer.send({
          topic: TOPICS.tenantDeletionRequest,
          messages: malformed.slice(i, i + 10).map((value) => ({ key, value })),
        });
      }
      await until(() => dlqRecords.filter((r) => r.source.key === key).length >= 1_000, '1,000 DLQ records', 120_000);
      const mine = dlqRecords.filter((r) => r.source.key === key);
      expect(mine).toHaveLength(1_000);
      expect(new Set(mine.map((r) => r.error.code))).toEqual(
        new Set(
          ['INVALID_JSON', 'INVALID_MESSAGE', 'KEY_MISMATCH', 'TOO_LARGE'].filter((code) =>
            mine.some((r) => r.error.code === code),
          ),
        ),
      );
      expect(
        mine.every((r) => ['INVALID_JSON', 'INVALID_MESSAGE', 'KEY_MISMATCH', 'TOO_LARGE'].includes(r.error.code)),
      ).toBe(true);
      expect(bridge.health().ok).toBe(true);
      await until(async () => (await lag(groupId)) === 0, 'the lag back to zero', BRIDGE_WAIT_MS);
      expect(harness.fleet.calls.filter((c) => c.tenantId === key)).toEqual([]);
    } finally {
      await bridge.close();
    }
  }, 240_000);

  it('waits while Temporal is down, dead-letters nothing valid, and hands over after a restart', async () => {
    const groupId = `bridge-test-${run}-down`;
    const tenantId = `br-down-${run}`;
    harness.fleet.addTenant(tenantId, [['db-1']]);
    const down = await bridgeFor(groupId, '127.0.0.1:1');
    await producer.send({ topic: TOPICS.tenantDeletionRequest, messages: [wholeTenant(tenantId, 'tr-d')] });
    await until(
      () => !down.health().ok && down.health().detail === 'waiting for Temporal',
      'the bridge to wait for Temporal',
      BRIDGE_WAIT_MS,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(dlqRecords.filter((r) => r.source.key === tenantId)).toEqual([]);
    expect(await lag(groupId)).toBeGreaterThan(0);
    await down.close();

    const up = await bridgeFor(groupId, harness.env.address, false);
    try {
      await until(
        () => harness.fleet.finishedAt(tenantId, 'db-1') < Infinity,
        'the handover after the restart',
        BRIDGE_WAIT_MS,
      );
      await until(async () => (await lag(groupId)) === 0, 'the lag back to zero', BRIDGE_WAIT_MS);
      expect(harness.fleet.callsOf(tenantId)).toHaveLength(1);
    } finally {
      await up.close();
    }
  }, 180_000);
});
