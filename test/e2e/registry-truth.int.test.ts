/**
 * What the tenant registry (the real one, in the e2e fleet) says reaches the orchestrator truthfully, on the local
 * stack (Temporal, Kafka, PostgreSQL): a registry 404 is certified as "not found", never as an erasure; an erased
 * tenant is not re-created by a re-seed without --recreate; and a re-created tenant is never deleted by a request
 * made before its re-creation.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { RegistryClient } from '../../activities/registry-client';
import { verifyCertificate, requestDeletion } from '@tenant-deletion/client';
import { loadSigningKey } from '../../common/certificates/signing-key';
import type { DeletionRequest } from '@tenant-deletion/contract';
import { certificateById } from '../../db/certificates';
import type { RunningFleet } from '../../services/fleet/fleet';
import { seedTenant } from '../../services/fleet/seed/seed-tenant';
import {
  config,
  E2E_INSTANCES,
  fileRoot,
  previews,
  registryFor,
  seedOn,
  stackSigner,
  startE2eFleet,
  startWorkers,
  tableTotals,
  temporalClient,
  tenantRowsBySql,
  uniqueTenant,
} from './e2e-stack';
import { inventoryWriter } from '../../db/inventory-writer';

jest.setTimeout(120_000);

/** One leaf instance keeps each deletion short. */
const INSTANCE = 'notification-1';

let fleet: RunningFleet;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
let db: pg.Pool;

beforeAll(async () => {
  fleet = await startE2eFleet();
  workers = await startWorkers(fleet);
  temporal = await temporalClient();
  db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
}, 120_000);
afterAll(async () => {
  await workers?.stop();
  await temporal?.close();
  await db?.end();
  await fleet?.close();
});

function gdprRequest(tenantId: string, requestedAt: string): DeletionRequest {
  return {
    requestId: `r-${randomUUID()}`,
    tenantId,
    requestedBy: 'admin-e2e',
    traceId: `trace-${randomUUID().slice(0, 8)}`,
    gdprMode: true,
    dryRun: false,
    requestedAt,
  };
}

/** Seeds the tenant on INSTANCE only; with a registry record unless `registry` is false. */
async function seedInstance(tenantId: string, registry: false | { recreate: boolean }) {
  return seedTenant({
    tenantId,
    records: 200,
    databaseUrl: config.DATABASE_URL,
    inventory: inventoryWriter(config.DATABASE_URL),
    ...(registry ? { registry: { ...(await registryFor(fleet)), recreate: registry.recreate } } : {}),
    instances: E2E_INSTANCES.filter((instance) => instance.serviceInstanceId === INSTANCE),
    baseUrls: Object.fromEntries(fleet.instances.map((i) => [i.serviceInstanceId, i.baseUrl])),
    fileRoot,
  });
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

describe('the tenant registry, truthfully (real registry, Temporal, Kafka, PostgreSQL)', () => {
  it('a GDPR deletion of a tenant the registry answers 404 for is certified "tenant record not found", with no PII erased', async () => {
    const tenantId = uniqueTenant('unregistered');
    await seedInstance(tenantId, false);
    const result = await (
      await requestDeletion(temporal.client, gdprRequest(tenantId, new Date().toISOString()))
    ).result();

    expect(result.status).toBe('COMPLETED');
    expect(total(await tenantRowsBySql(INSTANCE, tenantId))).toBe(0);
    const stored = await certificateById(db, result.certificateId!);
    expect(stored!.certificate.body.registry).toEqual({
      tenantRecord: 'not-found',
      tenantRecordDeleted: false,
      piiErased: false,
    });
    expect(verifyCertificate(stored!.certificate, loadSigningKey().publicKey).valid).toBe(true);
  });

  it('a re-created tenant is not deleted by a request made before its re-creation: REJECTED naming both times, every row kept', async () => {
    const tenantId = uniqueTenant('recreated');
    await seedOn(fleet, tenantId, 200, [INSTANCE]);
    const oldRequestedAt = new Date().toISOString();
    const first = await (await requestDeletion(temporal.client, gdprRequest(tenantId, oldRequestedAt))).result();
    expect(first.status).toBe('COMPLETED');
    expect((await certificateById(db, first.certificateId!))!.certificate.body.registry).toEqual({
      tenantRecord: 'deleted',
      tenantRecordDeleted: true,
      piiErased: true,
    });

    // A re-seed without --recreate is refused by the registry before anything is written.
    await expect(seedInstance(tenantId, { recreate: false })).rejects.toMatchObject({
      name: 'RegistryRefusedError',
      status: 409,
      message: expect.stringMatching(/was deleted at .* and its PII erased.*--recreate/),
    });
    expect(total(await tenantRowsBySql(INSTANCE, tenantId))).toBe(0);

    await seedInstance(tenantId, { recreate: true });
    const recreatedAt = await new RegistryClient(fleet.registryUrl, await stackSigner()).createdAt(
      tenantId,
      'trace-e2e',
      1,
    );
    expect(Date.parse(recreatedAt!)).toBeGreaterThan(Date.parse(oldRequestedAt));
    const rowsBefore = await tenantRowsBySql(INSTANCE, tenantId);
    expect(total(rowsBefore)).toBeGreaterThan(0);
    const everyTableBefore = await tableTotals();
    const previewsBefore = await previews(fleet, tenantId);
    expect(previewsBefore[INSTANCE]).toBeGreaterThan(0);

    // Another request of the old tenant's time (a second message of the topic, never processed before).
    const old = gdprRequest(tenantId, oldRequestedAt);
    const replayed = await (await requestDeletion(temporal.client, old)).result();
    expect(replayed.status).toBe('REJECTED');
    expect(replayed.requests).toEqual([
      expect.objectContaining({
        requestId: old.requestId,
        status: 'REJECTED',
        reason: expect.stringContaining(`made at ${oldRequestedAt} is older than tenant ${tenantId}'s (re)creation`),
      }),
    ]);
    expect(replayed.requests[0].reason).toContain(recreatedAt!);
    expect(replayed.certificateId).toBeUndefined();
    expect(await tenantRowsBySql(INSTANCE, tenantId)).toEqual(rowsBefore);
    expect(await tableTotals()).toEqual(everyTableBefore);
    expect(await previews(fleet, tenantId)).toEqual(previewsBefore);

    // A request made now deletes the re-created tenant as usual.
    const fresh = await (
      await requestDeletion(temporal.client, gdprRequest(tenantId, new Date().toISOString()))
    ).result();
    expect(fresh.status).toBe('COMPLETED');
    expect(total(await tenantRowsBySql(INSTANCE, tenantId))).toBe(0);
  });
});
