import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Admin, Consumer, Producer } from 'kafkajs';
import pino from 'pino';
import { loadConfig } from '../../common/config';
import { TOPICS, type DeadLetter } from '@tenant-deletion/contract';
import { kafkaClient } from '../../common/kafka-client';
import { temporalAccess } from '../../common/temporal-connection';
import {
  loadDevIdentityIssuer,
  mintIdentityToken,
  type IdentityTokenClaims,
} from '../../client/authorization/dev-identity-issuer';
import { IDENTITY_AUDIENCE } from '../../client/authorization/identity-token';
import { startBridge, type RunningBridge } from '../../client/bridge/bridge';
import { loadBridgeIdentity } from '../../client/bridge/bridge-identity';
import { loadBridgeConfig, type BridgeConfig } from '../../client/bridge/bridge-config';
import { BridgeMetrics } from '../../client/bridge/bridge-metrics';
import { skipRequestBacklog, startAtEnd } from '../../scripts/kafka-backlog';

/**
 * What the bridge's real-Kafka tests share: signed request messages as producers send them, a bridge on a test
 * group, the DLQ as it is written, and a group's lag. Needs the local stack's Kafka, its PostgreSQL (the bridge reads
 * the ledger) and its development identity issuer (the bridge reads its JWKS).
 */

export const config = loadConfig();
/** How long a step of the bridge under test may take on a loaded 2-core machine. */
export const BRIDGE_WAIT_MS = 60_000;
const REQUEST_TOPICS = [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest];

/** The requesting system the bridge tests sign as: allowed any tenant, so the fake fleet's need no registry record. */
export const TEST_REQUESTER: IdentityTokenClaims = { subject: 'bridge-test', roles: ['deletion-requester'] };

/** A token of the local stack's development identity issuer (the one the bridge trusts by default). */
export async function identityToken(claims: IdentityTokenClaims = TEST_REQUESTER): Promise<string> {
  return mintIdentityToken(await loadDevIdentityIssuer(), claims);
}

/** Tokens shaped right that the bridge must refuse, each for its own reason, all naming TEST_REQUESTER. */
export async function refusedTokens() {
  const issuer = await loadDevIdentityIssuer();
  const now = Math.floor(Date.now() / 1_000);
  const sign = (key: KeyObject, { audience = IDENTITY_AUDIENCE, issuedAt = now, expires = now + 3_600 } = {}) =>
    new SignJWT({ roles: TEST_REQUESTER.roles })
      .setProtectedHeader({ alg: 'EdDSA', kid: issuer.publicJwk.kid, typ: 'JWT' })
      .setIssuer(issuer.issuer)
      .setSubject(TEST_REQUESTER.subject)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expires)
      .sign(key);
  const [header, payload, signature] = (await sign(issuer.privateKey)).split('.');
  const base64 = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return {
    /** Past the verifier's 30 s of clock skew. */
    expired: await sign(issuer.privateKey, { issuedAt: now - 3_600, expires: now - 120 }),
    otherAudience: await sign(issuer.privateKey, { audience: 'tenant-registry' }),
    /** The issuer's name and key id, another key: what an attacker without the issuer's key can make. */
    forged: await sign(generateKeyPairSync('ed25519').privateKey),
    /** A real signature over claims the holder then raised to operator. */
    tampered: `${header}.${base64({ ...claims, roles: ['operator'] })}.${signature}`,
    unsigned: `${base64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
  };
}

/**
 * Request messages as a producer sends them, each carrying `token` as its authorization (null: none). The payload
 * claims `admin-1` as requestedBy, which the bridge must ignore for the token's subject.
 */
export class RequestMessages {
  constructor(readonly token: string | null) {}

  static async signedAs(claims: IdentityTokenClaims = TEST_REQUESTER): Promise<RequestMessages> {
    return new RequestMessages(await identityToken(claims));
  }

  /** A whole-tenant request message; `timestamp` defaults to now. */
  wholeTenant(tenantId: string, traceId: string, timestamp = new Date().toISOString()) {
    return this.message(tenantId, traceId, { tenantId, requestedBy: 'admin-1', timestamp, gdprMode: false });
  }

  /** A request message for one instance, whose type is its id's prefix (`app-1` is an `app`). */
  oneInstance(tenantId: string, traceId: string, serviceInstanceId: string, timestamp = new Date().toISOString()) {
    return this.message(tenantId, traceId, {
      tenantId,
      serviceType: serviceInstanceId.split('-')[0],
      serviceInstanceId,
      requestedBy: 'admin-1',
      timestamp,
      gdprMode: false,
    });
  }

  private message(tenantId: string, traceId: string, payload: object) {
    const authorization = this.token === null ? {} : { authorization: this.token };
    return { key: tenantId, value: JSON.stringify({ traceId, key: tenantId, ...authorization, payload }) };
  }
}

/**
 * A bridge in process on `groupId`, handing over to the Temporal server at `temporalAddress`. `fresh` first moves
 * the group to the end of the request topics, past the shared broker's backlog. It trusts the local stack's
 * development identity issuer and asks the tenant registry at `registryUrl` (TENANT_REGISTRY_URL by default), as
 * `npm run bridge` does.
 */
export async function bridgeFor(
  groupId: string,
  temporalAddress: string,
  {
    fresh = true,
    bridge = {},
    registryUrl = config.TENANT_REGISTRY_URL,
  }: { fresh?: boolean; bridge?: Partial<BridgeConfig>; registryUrl?: string } = {},
): Promise<RunningBridge> {
  if (fresh) await skipRequestBacklog(config.KAFKA_BROKERS, groupId);
  return startBridge({
    config,
    temporal: temporalAccess({ ...config, TEMPORAL_ADDRESS: temporalAddress }),
    identity: await loadBridgeIdentity({ TENANT_REGISTRY_URL: registryUrl }),
    bridge: { ...loadBridgeConfig({}), BRIDGE_GROUP_ID: groupId, ...bridge },
    logger: pino({ level: 'silent' }),
    metrics: new BridgeMetrics(),
  });
}

/** A producer, an admin and a reader of every DLQ record written from `start()` on. */
export class KafkaSide {
  /** As written: the tests check them against the contract's schema where they need to. */
  readonly dlqRecords: DeadLetter[] = [];
  private readonly kafka = kafkaClient(config.KAFKA_BROKERS, 'bridge-test');
  readonly producer: Producer = this.kafka.producer();
  readonly admin: Admin = this.kafka.admin();
  private dlq?: Consumer;

  async start(run: string): Promise<void> {
    const groupId = `bridge-test-dlq-${run}`;
    this.dlq = this.kafka.consumer({ groupId });
    await startAtEnd(config.KAFKA_BROKERS, groupId, [TOPICS.deadLetter]);
    await Promise.all([this.producer.connect(), this.admin.connect(), this.dlq.connect()]);
    await this.dlq.subscribe({ topic: TOPICS.deadLetter });
    await this.dlq.run({
      eachMessage: async ({ message }) => void this.dlqRecords.push(JSON.parse(message.value!.toString())),
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect(), this.dlq?.disconnect()]);
  }

  /** The DLQ records of messages keyed by one of these tenants. */
  dlqOf(...tenantIds: string[]): DeadLetter[] {
    return this.dlqRecords.filter((record) => tenantIds.includes(record.source.key ?? ''));
  }

  /** Messages of the request topics the group has not committed yet (0: it has read everything). */
  async lag(groupId: string): Promise<number> {
    let behind = 0;
    for (const topic of REQUEST_TOPICS) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      for (const end of ends) {
        const at = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        behind += Number(end.high) - Math.max(Number(at), Number(end.low));
      }
    }
    return behind;
  }

  /** The group's committed offsets on the request topics, to reset it to them later. */
  async committed(groupId: string): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> {
    return Promise.all(
      REQUEST_TOPICS.map(async (topic) => {
        const [{ partitions }] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
        return { topic, partitions: partitions.map(({ partition, offset }) => ({ partition, offset })) };
      }),
    );
  }

  /** A consumer-group reset, as `kafka-consumer-groups --reset-offsets` does it: the group must have no members. */
  async resetTo(groupId: string, offsets: Awaited<ReturnType<KafkaSide['committed']>>): Promise<void> {
    for (const { topic, partitions } of offsets) await this.admin.setOffsets({ groupId, topic, partitions });
  }
}
