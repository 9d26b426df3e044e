import { isGrpcServiceError, type Client } from '@temporalio/client';
import { Partitioners, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import pLimit from 'p-limit';
import pg from 'pg';
import type pino from 'pino';
import type { Config } from '../../common/config';
import { TOPICS, type DeadLetter, type DeletionRequest, type DlqError } from '@tenant-deletion/contract';
import { kafkaClient, type KafkaSettings } from '../../common/kafka-client';
import { kafkaSecurity } from '../../common/kafka-security';
import { bounded, firstFailure, notReady, probeTemporal, ready, type Probe } from '../../common/readiness';
import { connectTemporalClient, type TemporalAccess } from '../../common/temporal-connection';
import { requestStates } from '../../db/ledger';
import { requestDeletion } from '@tenant-deletion/client';
import { backoffMs, sleep } from './backoff';
import type { BridgeConfig } from './bridge-config';
import type { BridgeIdentity } from './bridge-identity';
import type { BridgeMetrics } from './bridge-metrics';
import { isGroupMembershipLost } from './group-membership';
import { inMessageSpan } from './message-span';
import { inKeyOrder } from './key-ordered';
import { ledgerKey, refuseEnded, refuseStale } from './replay-guard';
import { authenticate, authorize, sharedLookups, type Authorized } from './request-authorization';
import { parseRequest, type Parsed } from './request-messages';
import { redactTokens } from '../../common/token-redaction';

/**
 * Kafka request messages in, signal-with-start out. Every request is signed: its token is verified before anything
 * else is asked of a dependency (UNAUTHENTICATED), and its subject must have the right to delete the tenant
 * (FORBIDDEN: request-authorization.ts); the subject is the requestedBy handed over. Offsets are committed a chunk at a time, only after Temporal
 * accepted every request of the chunk or its DLQ record is written, so a crash at any point loses nothing;
 * redeliveries are absorbed by the deterministic requestId. A request older than REQUEST_MAX_AGE_HOURS, or one whose
 * deletion the ledger says ended, is not handed over but dead-lettered (STALE, DUPLICATE: replay-guard.ts). Within a
 * chunk, different tenants' requests are handed over side by side and one tenant's one after another, in order.
 * While Temporal, Kafka or PostgreSQL is down the bridge waits and retries: a valid message never goes to the DLQ
 * for that.
 */

export interface BridgeOptions {
  /** DATABASE_URL: the ledger, read to recognize a request whose deletion already ended. */
  config: KafkaSettings & Pick<Config, 'DATABASE_URL' | 'REQUEST_MAX_AGE_HOURS'>;
  /** Built before the bridge starts, so that a bad TLS file or codec key stops it instead of being retried. */
  temporal: TemporalAccess;
  /** Verifies request tokens and looks up tenant members (bridge-identity.ts). */
  identity: BridgeIdentity;
  bridge: BridgeConfig;
  logger: pino.Logger;
  metrics: BridgeMetrics;
}

export interface RunningBridge {
  /** Whether the consumer is in its group and past its first fetch, and no dependency is being waited for. */
  health(): Probe;
  /** Liveness: false only when the consumer stopped for good (a crash kafkajs does not restart): restart the process. */
  live(): Probe;
  /** Readiness: health(), and Temporal and the ledger answer now; false while rebalancing or disconnected. */
  ready(): Promise<Probe>;
  close(): Promise<void>;
}

class Stopping extends Error {}

/** Refusals that no retry can fix: the request goes to the DLQ instead of blocking its partition forever. */
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_FAILED_PRECONDITION = 9;
const PERMANENT = new Set<number>([GRPC_INVALID_ARGUMENT, GRPC_FAILED_PRECONDITION]);

/** Messages per offset commit: bounds what a crash makes the bridge read again, at one commit round trip each. */
const COMMIT_EVERY = 100;

/** Registry calls open at once while a chunk's requests are authorized: the registry serves others too. */
const REGISTRY_CALLS_AT_ONCE = 8;

export async function startBridge({
  config,
  temporal,
  identity,
  bridge,
  logger,
  metrics,
}: BridgeOptions): Promise<RunningBridge> {
  const stop = new AbortController();
  const kafka = kafkaClient(config.KAFKA_BROKERS, 'tenant-deletion-bridge', kafkaSecurity(config));
  const consumer: Consumer = kafka.consumer({ groupId: bridge.BRIDGE_GROUP_ID, maxBytesPerPartition: 1_048_576 });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
  });
  const ledger = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4, connectionTimeoutMillis: 5_000 });
  // An idle connection the server dropped is reported here; the next lookup reconnects, or waits and retries.
  ledger.on('error', (error) => logger.warn({ reason: error.message }, 'ledger connection lost'));
  /** Joined, and a fetch has run since: every assigned partition has its start offset (see below). */
  let consuming = false;
  /** Why the consumer stopped for good, when kafkajs gave up restarting it. */
  let stoppedForGood: string | null = null;
  let waitingFor: string | null = null;
  let client: Client | undefined;

  async function retrying<T>(what: string, work: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (stop.signal.aborted) throw new Stopping();
      try {
        const result = await work();
        if (waitingFor === what) {
          waitingFor = null;
          metrics.waiting.set(0);
          logger.info({ dependency: what }, 'dependency is back; resuming');
        }
        return result;
      } catch (error) {
        if (isGrpcServiceError(error) && PERMANENT.has(error.code)) throw error;
        if (isGroupMembershipLost(error)) throw error;
        if (waitingFor !== what)
          logger.warn({ dependency: what, reason: (error as Error).message }, 'waiting for a dependency');
        waitingFor = what;
        metrics.waiting.set(1);
        await sleep(backoffMs(attempt), stop.signal);
        // A heartbeat that finds the group moved on ends the wait: this chunk is no longer this member's to finish.
        await heartbeat().catch((heartbeatError: unknown) => {
          if (isGroupMembershipLost(heartbeatError)) throw heartbeatError;
        });
      }
    }
  }

  async function temporalClient(): Promise<Client> {
    client ??= await connectTemporalClient(temporal, { connectTimeout: 5_000 });
    return client;
  }

  async function deadLetter(
    source: { topic: string; partition: number; message: KafkaMessage },
    error: DlqError,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const key = source.message.key?.toString('utf8') ?? null;
    // Whoever reads the DLQ must not be able to replay a sender's token: redacted before the cut, so none is half kept.
    const value = redactTokens(source.message.value?.toString('utf8') ?? '');
    const record: DeadLetter = {
      error,
      source: { topic: source.topic, partition: source.partition, offset: source.message.offset, key },
      // Oversized originals are cut, so that the DLQ record itself stays within the broker's limits.
      value: value.length > bridge.BRIDGE_MAX_MESSAGE_BYTES ? value.slice(0, bridge.BRIDGE_MAX_MESSAGE_BYTES) : value,
      at: new Date().toISOString(),
    };
    await retrying(
      'Kafka (DLQ write)',
      () =>
        producer.send({
          topic: TOPICS.deadLetter,
          acks: -1,
          messages: [{ key: key?.slice(0, 256) ?? null, value: JSON.stringify(record) }],
        }),
      heartbeat,
    );
    metrics.deadLettered.inc({ code: error.code });
    logger.warn(
      { code: error.code, topic: source.topic, partition: source.partition, offset: source.message.offset },
      'message dead-lettered',
    );
  }

  /**
   * What a chunk's well-formed messages must pass before hand-over, cheapest refusal first: the token
   * (UNAUTHENTICATED), the age (STALE), the subject's right (FORBIDDEN, which may ask the registry) and the ledger
   * (DUPLICATE, one query for the chunk).
   */
  async function admit(parsed: Parsed[], heartbeat: () => Promise<void>): Promise<Authorized[]> {
    const authenticated = await Promise.all(
      parsed.map((p) => retrying('the identity issuer', () => authenticate(p, identity.verify), heartbeat)),
    );
    for (const a of authenticated) {
      if (a.ok && a.claimedBy !== undefined && a.claimedBy !== a.request.requestedBy) {
        const { traceId, requestId, tenantId } = a.request;
        logger.warn({ traceId, requestId, tenantId }, "payload requestedBy is not the token's subject; the subject is");
      }
    }
    const fresh = authenticated.map((a) => refuseStale(a, config.REQUEST_MAX_AGE_HOURS, Date.now()));
    const members = sharedLookups(identity.members);
    const registryCalls = pLimit(REGISTRY_CALLS_AT_ONCE);
    const authorized = await Promise.all(
      fresh.map((a) => registryCalls(() => retrying('the tenant registry', () => authorize(a, members), heartbeat))),
    );
    const requests = authorized.flatMap((a) => (a.ok ? [a.request] : []));
    if (requests.length === 0) return authorized;
    const states = await retrying('PostgreSQL (ledger)', () => requestStates(ledger, requests), heartbeat);
    const byRequest = new Map(states.map((state) => [ledgerKey(state), state]));
    return authorized.map((a) => refuseEnded(a, byRequest));
  }

  async function handOver(request: DeletionRequest, heartbeat: () => Promise<void>): Promise<void> {
    await retrying('Temporal', async () => requestDeletion(await temporalClient(), request), heartbeat);
  }

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({
    topics: [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest],
    // Only a group without committed offsets: false starts it at the end, so that a new group replays nothing.
    fromBeginning: bridge.BRIDGE_FROM_BEGINNING,
  });
  // kafkajs finds a new group's start offsets (the topics' end) in the first fetch after the join, not at the join:
  // ready only from then on, so that a message produced once /readyz says ok is never behind the start.
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => ((joined = true), (consuming = false)));
  consumer.on(consumer.events.FETCH, () => (consuming = joined));
  // A rebalance revokes every partition until the next join; a disconnect ends consumption until reconnected.
  consumer.on(consumer.events.REBALANCING, () => (joined = consuming = false));
  consumer.on(consumer.events.DISCONNECT, () => (joined = consuming = false));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = consuming = false;
    if (!payload.restart && !stop.signal.aborted) stoppedForGood = payload.error.message;
    logger.error({ reason: payload.error.message, restart: payload.restart }, 'Kafka consumer crashed');
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
    metrics.lag.set({ topic: payload.topic, partition: String(payload.partition) }, Number(payload.offsetLag)),
  );

  /** Hands one message over to Temporal or writes it to the DLQ; the caller commits its offset. */
  async function handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    parsed: Authorized,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    metrics.consumed.inc({ topic });
    if (!parsed.ok) return deadLetter({ topic, partition, message }, parsed, heartbeat);
    try {
      await handOver(parsed.request, heartbeat);
    } catch (error) {
      if (error instanceof Stopping) throw error;
      return deadLetter(
        { topic, partition, message },
        { code: 'HANDOVER_REJECTED', message: `Temporal refused the request: ${(error as Error).message}`, issues: [] },
        heartbeat,
      );
    }
    metrics.handedOver.inc({ topic });
    metrics.handoverSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    const { traceId, requestId, tenantId, requestedBy } = parsed.request;
    logger.info({ traceId, requestId, tenantId, requestedBy, basis: parsed.basis }, 'handed over');
  }

  const handOvers = pLimit(bridge.BRIDGE_MAX_IN_FLIGHT);
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: bridge.BRIDGE_MAX_IN_FLIGHT,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }) => {
      const { topic, partition } = batch;
      for (let from = 0; from < batch.messages.length; from += COMMIT_EVERY) {
        if (!isRunning() || isStale()) return;
        const messages = batch.messages.slice(from, from + COMMIT_EVERY);
        const last = messages[messages.length - 1].offset;
        try {
          const parsed = await admit(
            messages.map((message) =>
              parseRequest(
                topic,
                message.key?.toString('utf8') ?? null,
                message.value,
                bridge.BRIDGE_MAX_MESSAGE_BYTES,
              ),
            ),
            heartbeat,
          );
          const chunk = messages.map((message, i) => ({ message, parsed: parsed[i] }));
          await inKeyOrder(
            chunk,
            // One tenant's requests stay in order; a message that is not a request has no order to keep.
            ({ message, parsed }) => (parsed.ok ? `tenant:${parsed.request.tenantId}` : `offset:${message.offset}`),
            handOvers,
            ({ message, parsed }) =>
              inMessageSpan({ topic, partition, message }, parsed, () =>
                handle(topic, partition, message, parsed, heartbeat),
              ),
          );
          await retrying(
            'Kafka (offset commit)',
            () => consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]),
            heartbeat,
          );
          resolveOffset(last);
          await heartbeat();
        } catch (error) {
          // Shutting down mid-chunk: leave its offsets uncommitted, so that its messages are read again. A lost
          // group membership leaves them uncommitted too, and goes up to kafkajs, which rejoins the group.
          if (!(error instanceof Stopping)) throw error;
          pause();
          return;
        }
      }
    },
  });

  const health = (): Probe =>
    waitingFor
      ? notReady(`waiting for ${waitingFor}`)
      : consuming
        ? ready('consuming')
        : notReady('joining the consumer group');

  return {
    health,
    live: () =>
      stoppedForGood ? notReady(`the Kafka consumer stopped after a crash: ${stoppedForGood}`) : ready('running'),
    async ready() {
      const consumption = health();
      if (!consumption.ok) return consumption;
      const dependencies = await Promise.all([
        probeTemporal(async () => (await temporalClient()).connection),
        bounded('PostgreSQL (ledger)', () => ledger.query('SELECT 1')),
      ]);
      return firstFailure(dependencies, 'consuming; Temporal and the ledger reachable');
    },
    async close() {
      stop.abort();
      await consumer.disconnect();
      await producer.disconnect();
      await client?.connection.close();
      await ledger.end();
    },
  };
}
