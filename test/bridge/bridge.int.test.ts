import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { deadLetterSchema, TOPICS, type DlqCode, type TenantDeletionResult } from '@tenant-deletion/contract';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { fuzzSeed } from '../fuzz-seed';
import { until } from '../until';
import { BRIDGE_WAIT_MS, bridgeFor, KafkaSide, refusedTokens, RequestMessages } from './bridge-harness';

/** The bridge on the real Kafka broker, handing over to a private Temporal server running the fake fleet. */

const run = randomUUID().slice(0, 8);
const kafka = new KafkaSide();
const { producer, dlqRecords } = kafka;
let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let signed: RequestMessages;

/**
 * The DLQ codes a malformed or badly signed request message earns. FORBIDDEN needs the registry
 * (signed-requests.int.test.ts); STALE and DUPLICATE refuse valid requests (replay-safety.int.test.ts);
 * HANDOVER_REJECTED takes Temporal refusing a valid request, UNKNOWN_TOPIC a topic the bridge does not subscribe to.
 */
const FUZZED_CODES = [
  'INVALID_JSON',
  'INVALID_MESSAGE',
  'KEY_MISMATCH',
  'TOO_LARGE',
  'UNAUTHENTICATED',
] as const satisfies DlqCode[];
type FuzzedCode = (typeof FUZZED_CODES)[number];
interface Fuzzed {
  value: string;
  code: FuzzedCode;
}

/** What arbitrary text earns: not JSON; JSON but no message; or an object without a token, unsigned first of all. */
function codeOfText(text: string): FuzzedCode {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'INVALID_JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'INVALID_MESSAGE';
  const token = (json as { authorization?: unknown }).authorization;
  const jwtShaped = typeof token === 'string' && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
  return jwtShaped ? 'INVALID_MESSAGE' : 'UNAUTHENTICATED';
}

/**
 * Malformed or badly signed whole-tenant request messages for tenant `key`, each with the DLQ code its fault calls
 * for; `badTokens` are tokens shaped right that must fail verification.
 */
function malformedMessage(key: string, badTokens: string[]): fc.Arbitrary<Fuzzed> {
  const valid = JSON.parse(signed.wholeTenant(key, 'tr-f').value);
  const withPayload = (payload: object) => JSON.stringify({ ...valid, payload: { ...valid.payload, ...payload } });
  const otherTenant = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/).filter((id) => id !== key);
  return fc.oneof(
    // Text: not JSON at all, JSON that is no message ("0", "true", "\"\""), or an object without a token.
    fc.string({ maxLength: 200 }).map((value): Fuzzed => ({ value, code: codeOfText(value) })),
    fc.json({ maxDepth: 3 }).map((value): Fuzzed => ({ value, code: codeOfText(value) })),
    fc
      .record({
        traceId: fc.string(),
        key: fc.constant(key),
        authorization: fc.constant(valid.authorization),
        payload: fc.object(),
      })
      .map((o): Fuzzed => ({ value: JSON.stringify(o), code: 'INVALID_MESSAGE' })),
    // A well-formed request without its token, with one that is no JWT, or with one that fails verification.
    fc
      .oneof(
        fc.constant(undefined),
        fc.constantFrom('', 'let-me-in', `Bearer ${valid.authorization}`, 42, null),
        fc.constantFrom(...badTokens),
      )
      .map((authorization): Fuzzed => ({
        value: JSON.stringify({ ...valid, authorization }),
        code: 'UNAUTHENTICATED',
      })),
    // A real request with fields gone wrong; only a well-formed one naming another tenant is a key mismatch.
    fc
      .record({
        tenantId: fc.constantFrom(key, 'other-tenant', "x'; DROP TABLE tenants;--", '../../etc/passwd', 'a'.repeat(65)),
        gdprMode: fc.constantFrom(true, 'true', 1, null),
        timestamp: fc.constantFrom(valid.payload.timestamp as string, '2026-02-11', 'yesterday'),
      })
      .filter((p) => !(p.tenantId === key && p.gdprMode === true && p.timestamp.endsWith('Z')))
      .map((p): Fuzzed => ({
        value: withPayload(p),
        code:
          p.tenantId === 'other-tenant' && p.gdprMode === true && p.timestamp.endsWith('Z')
            ? 'KEY_MISMATCH'
            : 'INVALID_MESSAGE',
      })),
    // Well-formed, but the envelope key or the payload names another tenant than the Kafka key.
    fc
      .oneof(
        otherTenant.map((other) => JSON.stringify({ ...valid, key: other })),
        otherTenant.map((other) => withPayload({ tenantId: other })),
        otherTenant.map((other) =>
          JSON.stringify({ ...valid, key: other, payload: { ...valid.payload, tenantId: other } }),
        ),
      )
      .map((value): Fuzzed => ({ value, code: 'KEY_MISMATCH' })),
    // Anything past the size limit is refused for its size before it is read.
    fc.record({ pad: fc.integer({ min: 65_537, max: 70_000 }), json: fc.boolean() }).map(({ pad, json }): Fuzzed => ({
      value: json ? JSON.stringify({ ...valid, pad: 'x'.repeat(pad) }) : 'x'.repeat(pad),
      code: 'TOO_LARGE',
    })),
  );
}

beforeAll(async () => {
  signed = await RequestMessages.signedAs();
  harness = await startTestEnvironment();
  await kafka.start(run);
}, 120_000);
afterAll(async () => {
  await kafka.stop();
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
        messages: [signed.wholeTenant(whole, 'tr-w'), signed.wholeTenant(whole, 'tr-w')],
      });
      await producer.send({
        topic: TOPICS.serviceDeletionRequest,
        messages: [
          signed.oneInstance(partial, 'tr-1', 'app-1'),
          signed.oneInstance(partial, 'tr-1', 'app-1'),
          signed.oneInstance(partial, 'tr-2', 'app-1'),
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
          signed.oneInstance(ordered, traceId, 'app-1'),
          signed.oneInstance(others[i % others.length], traceId, 'app-1'),
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

  it('dead-letters 1,000 malformed messages, each with the code its fault calls for in a record that obeys the published schema, stays alive, and catches up', async () => {
    const seed = fuzzSeed('bridge DLQ fuzz');
    const groupId = `bridge-test-${run}-fuzz`;
    const bridge = await bridgeFor(groupId, harness.env.address);
    try {
      const key = `fuzz-${run}`;
      const malformed = fc.sample(malformedMessage(key, Object.values(await refusedTokens())), {
        numRuns: 1_000,
        seed,
      });
      // Where each message landed, so that its DLQ record (which names its source offset) meets its expected code.
      const expectedAt = new Map<string, FuzzedCode>();
      // Small batches: a few oversized messages must not push a batch past the broker's own limit.
      for (let i = 0; i < malformed.length; i += 10) {
        const batch = malformed.slice(i, i + 10);
        const [landed] = await producer.send({
          topic: TOPICS.tenantDeletionRequest,
          messages: batch.map(({ value }) => ({ key, value })),
        });
        batch.forEach(({ code }, n) =>
          expectedAt.set(`${landed.partition}:${BigInt(landed.baseOffset!) + BigInt(n)}`, code),
        );
      }
      await until(() => dlqRecords.filter((r) => r.source.key === key).length >= 1_000, '1,000 DLQ records', 120_000);
      const mine = dlqRecords.filter((r) => r.source.key === key);
      expect(mine).toHaveLength(1_000);
      expect(mine.flatMap((record) => deadLetterSchema.safeParse(record).error?.issues ?? [])).toEqual([]);
      // No DLQ record hands its reader a sender's token, not even one cut short by TOO_LARGE.
      const signature = signed.token!.split('.')[2];
      expect(mine.filter((record) => record.value.includes(signature)).map((r) => r.source.offset)).toEqual([]);
      const got = mine.map((r) => ({ at: `${r.source.partition}:${r.source.offset}`, code: r.error.code }));
      expect(new Set(got.map((r) => r.at)).size).toBe(1_000);
      expect(got.filter((r) => r.code !== expectedAt.get(r.at))).toEqual([]);
      // Every code a malformed request can earn was earned by some of these messages, whatever the seed.
      expect([...new Set(got.map((r) => r.code))].sort()).toEqual([...FUZZED_CODES].sort());
      expect(bridge.health().ok).toBe(true);
      await until(async () => (await kafka.lag(groupId)) === 0, 'the lag back to zero', BRIDGE_WAIT_MS);
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
    await producer.send({ topic: TOPICS.tenantDeletionRequest, messages: [signed.wholeTenant(tenantId, 'tr-d')] });
    await until(
      () => !down.health().ok && down.health().detail === 'waiting for Temporal',
      'the bridge to wait for Temporal',
      BRIDGE_WAIT_MS,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(dlqRecords.filter((r) => r.source.key === tenantId)).toEqual([]);
    expect(await kafka.lag(groupId)).toBeGreaterThan(0);
    await down.close();

    const up = await bridgeFor(groupId, harness.env.address, { fresh: false });
    try {
      await until(
        () => harness.fleet.finishedAt(tenantId, 'db-1') < Infinity,
        'the handover after the restart',
        BRIDGE_WAIT_MS,
      );
      await until(async () => (await kafka.lag(groupId)) === 0, 'the lag back to zero', BRIDGE_WAIT_MS);
      expect(harness.fleet.callsOf(tenantId)).toHaveLength(1);
    } finally {
      await up.close();
    }
  }, 180_000);
});
