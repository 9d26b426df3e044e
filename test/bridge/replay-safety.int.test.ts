import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import pg from 'pg';
import { TOPICS, type TenantDeletionResult } from '@tenant-deletion/contract';
import { requestStates } from '../../db/ledger';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { until } from '../until';
import { BRIDGE_WAIT_MS, bridgeFor, config, KafkaSide, RequestMessages } from './bridge-harness';
import { withRealLedger } from './real-ledger';

/**
 * Durable replay safety on the real Kafka broker and the real PostgreSQL ledger: the bridge hands over to a private
 * Temporal server whose workflows run the fake fleet but write the real ledger, so that a topic read again finds
 * there the requests that already ran.
 */

const run = randomUUID().slice(0, 8);
const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
const kafka = new KafkaSide();
let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let signed: RequestMessages;

beforeAll(async () => {
  signed = await RequestMessages.signedAs();
  harness = await startTestEnvironment({}, {}, withRealLedger(db));
  await kafka.start(run);
}, 120_000);
afterAll(async () => {
  await kafka.stop();
  await harness?.teardown();
  await db.end();
});

const HOUR_MS = 3_600_000;

function deletions(tenantIds: string[]): number {
  return harness.fleet.calls.filter((c) => c.activity === 'deleteInstance' && tenantIds.includes(c.tenantId)).length;
}

/** The tenant's workflow's latest run, once it exists; null while it does not. */
async function latestRun(tenantId: string) {
  try {
    return await harness.client.workflow.getHandle(`tenant-deletion:${tenantId}`).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

describe('durable replay safety of the Kafka bridge', () => {
  it('a consumer-group reset replaying a topic of ended requests makes 0 new deletions and one DUPLICATE DLQ record per message', async () => {
    const groupId = `bridge-replay-${run}`;
    const whole = [0, 1, 2].map((i) => `rp-whole${i}-${run}`);
    const partial = [0, 1, 2].map((i) => `rp-part${i}-${run}`);
    for (const tenantId of whole) harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1']]);
    for (const tenantId of partial) harness.fleet.addTenant(tenantId, [['app-1'], ['report-1']]);
    const requests = [
      ...whole.map((tenantId) => ({
        topic: TOPICS.tenantDeletionRequest,
        requestId: `tr-w:${tenantId}`,
        message: signed.wholeTenant(tenantId, 'tr-w'),
      })),
      ...partial.flatMap((tenantId) =>
        ['app-1', 'report-1'].map((id) => ({
          topic: TOPICS.serviceDeletionRequest,
          requestId: `tr-${id}:${tenantId}:${id}`,
          message: signed.oneInstance(tenantId, `tr-${id}`, id),
        })),
      ),
    ];

    const first = await bridgeFor(groupId, harness.env.address);
    const start = await kafka.committed(groupId);
    try {
      for (const r of requests) await kafka.producer.send({ topic: r.topic, messages: [r.message] });
      for (const tenantId of [...whole, ...partial]) {
        await until(
          async () => (await latestRun(tenantId))?.status.name === 'COMPLETED',
          `${tenantId}'s deletion`,
          BRIDGE_WAIT_MS,
        );
      }
      await until(async () => (await kafka.lag(groupId)) === 0, 'the first pass committed', BRIDGE_WAIT_MS);
    } finally {
      await first.close();
    }
    expect(deletions([...whole, ...partial])).toBe(whole.length * 2 + partial.length * 2);
    const states = await requestStates(
      db,
      requests.map((r) => ({ tenantId: r.message.key, requestId: r.requestId })),
    );
    expect(states.map((s) => [s.requestId, s.ended, s.statuses])).toEqual(
      expect.arrayContaining(
        requests.map((r) => [r.requestId, true, { COMPLETED: r.topic === TOPICS.tenantDeletionRequest ? 2 : 1 }]),
      ),
    );
    expect(states).toHaveLength(requests.length);
    const runsBefore = await Promise.all([...whole, ...partial].map(async (t) => (await latestRun(t))!.runId));

    // The reset: the same group, back to where it started, reads every one of those messages again.
    await kafka.resetTo(groupId, start);
    expect(await kafka.lag(groupId)).toBeGreaterThanOrEqual(requests.length);
    const replay = await bridgeFor(groupId, harness.env.address, { fresh: false });
    try {
      await until(
        () => kafka.dlqOf(...whole, ...partial).length >= requests.length,
        'a DLQ record for every replayed message',
        BRIDGE_WAIT_MS,
      );
      await until(async () => (await kafka.lag(groupId)) === 0, 'the replay committed', BRIDGE_WAIT_MS);
    } finally {
      await replay.close();
    }
    const dlq = kafka.dlqOf(...whole, ...partial);
    expect(dlq.map((record) => record.error.code)).toEqual(requests.map(() => 'DUPLICATE'));
    for (const r of requests) {
      const named = dlq.filter((record) => record.error.message.startsWith(`request ${r.requestId} of tenant`));
      expect(named).toHaveLength(1);
      expect(named[0].error.message).toMatch(/already ran: the ledger has it ended \(COMPLETED, last change /);
    }
    expect(deletions([...whole, ...partial])).toBe(whole.length * 2 + partial.length * 2);
    expect(await Promise.all([...whole, ...partial].map(async (t) => (await latestRun(t))!.runId))).toEqual(runsBefore);
  }, 240_000);

  it('a request older than REQUEST_MAX_AGE_HOURS goes to the DLQ as STALE and starts no workflow', async () => {
    const groupId = `bridge-stale-${run}`;
    const maxAge = config.REQUEST_MAX_AGE_HOURS;
    const stale = `rp-stale-${run}`;
    const fresh = `rp-fresh-${run}`;
    harness.fleet.addTenant(stale, [['app-1']]);
    harness.fleet.addTenant(fresh, [['app-1']]);
    const bridge = await bridgeFor(groupId, harness.env.address);
    try {
      const pastHorizon = (minutes: number) => new Date(Date.now() - maxAge * HOUR_MS - minutes * 60_000).toISOString();
      await kafka.producer.send({
        topic: TOPICS.tenantDeletionRequest,
        messages: [signed.wholeTenant(stale, 'tr-old', pastHorizon(1))],
      });
      await kafka.producer.send({
        topic: TOPICS.serviceDeletionRequest,
        messages: [
          signed.oneInstance(stale, 'tr-old', 'app-1', pastHorizon(24 * 60)),
          signed.oneInstance(fresh, 'tr-new', 'app-1'),
        ],
      });
      await until(() => kafka.dlqOf(stale).length >= 2, 'two STALE DLQ records', BRIDGE_WAIT_MS);
      await until(() => harness.fleet.finishedAt(fresh, 'app-1') < Infinity, 'the fresh request', BRIDGE_WAIT_MS);
      await until(async () => (await kafka.lag(groupId)) === 0, 'the lag back to zero', BRIDGE_WAIT_MS);
    } finally {
      await bridge.close();
    }
    const records = kafka.dlqOf(stale);
    expect(records.map((r) => [r.source.topic, r.error.code]).sort()).toEqual([
      [TOPICS.tenantDeletionRequest, 'STALE'],
      [TOPICS.serviceDeletionRequest, 'STALE'],
    ]);
    for (const record of records) expect(record.error.message).toContain(`past REQUEST_MAX_AGE_HOURS (${maxAge})`);
    expect(await latestRun(stale)).toBeNull();
    expect(deletions([stale])).toBe(0);
    expect(kafka.dlqOf(fresh)).toEqual([]);
  }, 180_000);

  it("a new consumer group starts at the topics' end: a request produced before it joined is never handed over", async () => {
    const groupId = `bridge-new-group-${run}`;
    const tenantId = `rp-newgroup-${run}`;
    harness.fleet.addTenant(tenantId, [['app-1'], ['report-1']]);
    // Same tenant, so the same partition: read in order, the earlier message would be handed over first.
    await kafka.producer.send({
      topic: TOPICS.serviceDeletionRequest,
      messages: [signed.oneInstance(tenantId, 'tr-before', 'app-1')],
    });
    const bridge = await bridgeFor(groupId, harness.env.address, { fresh: false });
    try {
      await until(() => bridge.health().ok, 'the bridge to consume', BRIDGE_WAIT_MS);
      await kafka.producer.send({
        topic: TOPICS.serviceDeletionRequest,
        messages: [signed.oneInstance(tenantId, 'tr-after', 'report-1')],
      });
      await until(() => harness.fleet.finishedAt(tenantId, 'report-1') < Infinity, 'the later request', BRIDGE_WAIT_MS);
    } finally {
      await bridge.close();
    }
    expect(harness.fleet.callsOf(tenantId).map((c) => c.serviceInstanceId)).toEqual(['report-1']);
    const result: TenantDeletionResult = await harness.client.workflow
      .getHandle(`tenant-deletion:${tenantId}`)
      .result();
    expect(result.requests.map((r) => r.requestId)).toEqual([`tr-after:${tenantId}:report-1`]);
    expect(kafka.dlqOf(tenantId)).toEqual([]);
  }, 180_000);
});
