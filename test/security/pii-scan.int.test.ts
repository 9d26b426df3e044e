import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { loadPayloadCodecConfig } from '../../common/codec-keys';
import { TOPICS } from '@tenant-deletion/contract';
import { AesGcmPayloadCodec } from '../../common/payload-codec';
import { requestDeletion } from '@tenant-deletion/client';
import { startFleet, type RunningFleet } from '../../services/fleet/fleet';
import { tenantRecord } from '../../services/fleet/seed/registry-tenant';
import { registryDatabaseUrl } from '../../services/registry/registry-server';
import {
  config,
  E2E_INSTANCES,
  fileRoot,
  seed,
  startWorkers,
  temporalClient,
  topicMessages,
  uniqueTenant,
} from '../e2e/e2e-stack';
import { historyText } from '../codec/history-text';
import { stackTokens } from '../stack-tokens';

/**
 * After a real end-to-end GDPR deletion: the workflow histories (as stored and decrypted), the services' and
 * registry's logs and the Kafka topics hold none of the tenant's PII and no token material.
 */

const logLines: string[] = [];
let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;

beforeAll(async () => {
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  fleet = await startFleet({
    databaseUrl: config.DATABASE_URL,
    tokens: (await stackTokens()).fleet,
    ports: 'ephemeral',
    instances: E2E_INSTANCES,
    fileRoot,
    logger: pino({ level: 'debug' }, capture),
  });
  workers = await startWorkers(fleet);
  temporal = await temporalClient();
}, 120_000);
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await fleet?.close();
});

describe('a PII and secret scan after an end-to-end deletion', () => {
  it('finds none of the tenant’s PII and no token material in histories, logs or topics', async () => {
    const tenantId = uniqueTenant('pii');
    const pii = tenantRecord(tenantId);
    await seed(fleet, tenantId, 2_000);
    const registry = new pg.Pool({ connectionString: registryDatabaseUrl(config.DATABASE_URL), max: 1 });
    try {
      // The scan looks for values that really were there: the registry held them before the deletion.
      const { rows } = await registry.query('SELECT owner_email FROM tenants WHERE tenant_id = $1', [tenantId]);
      expect(rows).toEqual([{ owner_email: pii.ownerEmail }]);
    } finally {
      await registry.end();
    }

    const handle = await requestDeletion(temporal.client, {
      requestId: `r-${randomUUID()}`,
      tenantId,
      requestedBy: 'admin-scan',
      traceId: `trace-${randomUUID().slice(0, 8)}`,
      gdprMode: true,
      dryRun: false,
    });
    expect((await handle.result()).status).toBe('COMPLETED');

    const histories = [await handle.fetchHistory()];
    for (const instance of E2E_INSTANCES) {
      const child = temporal.client.workflow.getHandle(`service-deletion:${tenantId}:${instance.serviceInstanceId}`);
      histories.push(await child.fetchHistory());
    }
    // Scanned twice: as Temporal stores them (payloads encrypted), and decrypted, as anyone with the keys reads them.
    const codecConfig = loadPayloadCodecConfig();
    const codec = codecConfig.enabled ? new AesGcmPayloadCodec(codecConfig.keys) : undefined;
    const stored = await historyText(histories);
    const decrypted = await historyText(histories, codec);
    const topics = [
      ...(await topicMessages(TOPICS.serviceDeletionResult, tenantId, 13)),
      ...(await topicMessages(TOPICS.lifecycleEvents, tenantId, 2)),
    ].map((message) => JSON.stringify(message.value));

    const corpus = { stored, decrypted, logs: logLines.join(''), topics: topics.join('\n') };
    expect(corpus.decrypted).toContain(tenantId);
    // The scanner reads inside payloads: the requester's id is only in the start input's payload bytes...
    expect(corpus.decrypted).toContain('admin-scan');
    // ...which Temporal stores encrypted, unless PAYLOAD_CODEC=off.
    if (codec) expect(corpus.stored).not.toContain('admin-scan');
    expect(logLines.length).toBeGreaterThan(0);
    // Token material: every authority's private key, as its JWK `d` and as the PEM's base64 body.
    const keys = Object.values((await stackTokens()).signers).flatMap(({ privateKey }) => [
      privateKey.export({ format: 'jwk' }).d!,
      (privateKey.export({ format: 'pem', type: 'pkcs8' }) as string).split('\n')[1],
    ]);
    const forbidden = [pii.displayName, pii.ownerEmail, pii.billingAddress, ...keys];
    for (const [where, text] of Object.entries(corpus)) {
      for (const value of forbidden) expect([where, text.includes(value)]).toEqual([where, false]);
      // A JWT: base64url header starting {"alg", a payload and a signature.
      expect([where, /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(text)]).toEqual([where, false]);
      expect([where, /Bearer [A-Za-z0-9]/.test(text)]).toEqual([where, false]);
    }
  }, 180_000);
});
