/**
 * finalizeTenant issues the deletion certificate: run in a mock activity context (no Temporal server, no worker on
 * the shared queues) with the real activities, the local stack's PostgreSQL (`npm run stack:up`) and the local
 * signing key, a recording publisher and a recording registry. Inventory rows are removed afterwards; the
 * certificates, append-only, stay under `cert-fin-*` tenant ids.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import type { FinalizeInput } from '../../activities/finalize-input';
import { createTenantActivities, type FinalizeResult } from '../../activities/tenant-activities';
import type { RegistryClient, RegistryDeletion } from '../../activities/registry-client';
import { verifyCertificate } from '@tenant-deletion/client';
import { ensureLocalSigningKey, loadSigningKey } from '../../common/certificates/signing-key';
import { loadConfig } from '../../common/config';
import { TOPICS, type LifecycleEvent } from '@tenant-deletion/contract';
import type { EventPublisher, OutgoingMessage } from '../../common/kafka-client';
import { parseWorkerConfig } from '../../common/worker-config';
import { certificateById } from '../../db/certificates';
import { upsertInstances } from '../../db/service-instances';

jest.setTimeout(60_000);

const pool = new pg.Pool({ connectionString: loadConfig().DATABASE_URL, max: 4 });
const run = `cert-fin-${randomUUID().slice(0, 8)}`;
ensureLocalSigningKey();
const signer = loadSigningKey();

const published: OutgoingMessage[] = [];
const publisher: EventPublisher = {
  publish: async (messages) => void published.push(...messages),
  close: async () => undefined,
};
/** Each erasure, and whether the tenant had a certificate yet when it was asked for (it must not). */
const registryCalls: { tenantId: string; erasePii: boolean; certifiedAlready: boolean }[] = [];
/** Tenants this recording registry answers 404 for, as a real one does for a tenant it never had. */
const unknownToRegistry = new Set<string>();
const registry = {
  async deleteTenant(tenantId: string, erasePii: boolean): Promise<RegistryDeletion> {
    const { rowCount } = await pool.query('SELECT 1 FROM deletion_certificates WHERE tenant_id = $1', [tenantId]);
    registryCalls.push({ tenantId, erasePii, certifiedAlready: rowCount !== 0 });
    return unknownToRegistry.has(tenantId) ? { found: false } : { found: true, piiErased: erasePii };
  },
} as unknown as RegistryClient;

const activities = createTenantActivities({
  db: pool,
  publisher,
  registry,
  workerConfig: parseWorkerConfig({ groups: { all: { orchestration: true, serviceTypes: [] } } }),
  guardRails: { approvalThresholdRecords: null, gracePeriodSeconds: 0 },
  certificateSigner: signer,
});

afterAll(async () => {
  await pool.query('DELETE FROM service_instances WHERE tenant_id LIKE $1', [`${run}-%`]);
  await pool.end();
});

async function tenantWith(label: string, statuses: ('ACTIVE' | 'DELETED')[]): Promise<string> {
  const tenantId = `${run}-${label}`;
  await upsertInstances(
    pool,
    tenantId,
    statuses.map((status, index) => ({
      serviceInstanceId: `orders-${index + 1}`,
      serviceType: 'orders',
      baseUrl: 'http://localhost:1/api/v1/orders',
      status,
    })),
  );
  return tenantId;
}

function finalizeInput(tenantId: string, overrides: Partial<FinalizeInput> = {}): FinalizeInput {
  return {
    tenantId,
    traceId: `trace-${tenantId}`,
    gdprMode: true,
    deleteTenantRecord: true,
    runKey: `${randomUUID()}:1`,
    requests: [
      {
        requestId: `req-${tenantId}`,
        requestedBy: 'admin-1',
        gdprMode: true,
        reason: 'contract-ended',
        wholeTenant: true,
      },
    ],
    instances: [
      {
        serviceInstanceId: 'orders-1',
        serviceType: 'orders',
        deletedCounts: { orders: 3, order_items: 9 },
        attempts: 2,
        verified: true,
      },
    ],
    startedAt: '2026-02-11T12:00:00.000Z',
    ...overrides,
  };
}

const finalize = (input: FinalizeInput): Promise<FinalizeResult> =>
  new MockActivityEnvironment().run(activities.finalizeTenant, input);

function lifecycleEvents(tenantId: string): LifecycleEvent[] {
  return published
    .filter((message) => message.topic === TOPICS.lifecycleEvents && message.key === tenantId)
    .map((message) => message.value as LifecycleEvent);
}

describe('finalizeTenant', () => {
  it('issues a certificate once the tenant is empty, after the registry erasure, and puts its id in both events', async () => {
    const tenantId = await tenantWith('whole', ['DELETED']);
    const input = finalizeInput(tenantId);
    const result = await finalize(input);

    expect(result).toMatchObject({ tenantEmpty: true, tenantDeleted: true, tenantRecord: 'deleted', piiErased: true });
    expect(result.certificateId).toMatch(/^[0-9a-f-]{36}$/);
    expect(registryCalls.filter((call) => call.tenantId === tenantId)).toEqual([
      { tenantId, erasePii: true, certifiedAlready: false },
    ]);
    const events = lifecycleEvents(tenantId);
    expect(events.map((event) => [event.type, event.certificateId])).toEqual([
      ['TENANT_EMPTY', result.certificateId],
      ['TENANT_DELETED', result.certificateId],
    ]);

    const stored = await certificateById(pool, result.certificateId!);
    expect(stored?.runKey).toBe(input.runKey);
    expect(verifyCertificate(stored!.certificate, signer.publicKey).valid).toBe(true);
    expect(stored!.certificate.body).toMatchObject({
      tenantId,
      gdprMode: true,
      startedAt: input.startedAt,
      requests: [{ requestId: `req-${tenantId}`, requestedBy: 'admin-1', reason: 'contract-ended', wholeTenant: true }],
      instances: [
        {
          serviceType: 'orders',
          serviceInstanceId: 'orders-1',
          deletedCounts: { orders: 3, order_items: 9 },
          attempts: 2,
          verification: 'preview-zero',
        },
      ],
      registry: { tenantRecord: 'deleted', tenantRecordDeleted: true, piiErased: true },
    });
  });

  it('states the tenant record was not found, not that PII was erased, when the registry answers 404', async () => {
    const tenantId = await tenantWith('not-found', ['DELETED']);
    unknownToRegistry.add(tenantId);
    const result = await finalize(finalizeInput(tenantId));

    expect(result).toMatchObject({
      tenantEmpty: true,
      tenantDeleted: true,
      tenantRecord: 'not-found',
      piiErased: false,
    });
    expect(registryCalls.filter((call) => call.tenantId === tenantId)).toHaveLength(1);
    const stored = await certificateById(pool, result.certificateId!);
    expect(verifyCertificate(stored!.certificate, signer.publicKey).valid).toBe(true);
    expect(stored!.certificate.body.registry).toEqual({
      tenantRecord: 'not-found',
      tenantRecordDeleted: false,
      piiErased: false,
    });
  });

  it('returns the same certificate, and publishes the same event ids, when retried', async () => {
    const tenantId = await tenantWith('retry', ['DELETED']);
    const input = finalizeInput(tenantId);
    const first = await finalize(input);
    const second = await finalize(input);
    expect(second.certificateId).toBe(first.certificateId);
    const messages = published.filter((message) => message.key === tenantId);
    expect(messages).toHaveLength(4);
    expect(new Set(messages.map((message) => message.eventId)).size).toBe(2);
    expect(new Set(lifecycleEvents(tenantId).map((event) => event.certificateId))).toEqual(
      new Set([first.certificateId]),
    );
  });

  it('certifies an emptied tenant whose record stays: TENANT_EMPTY only, no registry erasure stated', async () => {
    const tenantId = await tenantWith('instances', ['DELETED', 'DELETED']);
    const result = await finalize(
      finalizeInput(tenantId, {
        gdprMode: false,
        deleteTenantRecord: false,
        requests: [
          { requestId: `req-${tenantId}`, requestedBy: 'admin-2', gdprMode: false, reason: null, wholeTenant: false },
        ],
      }),
    );
    expect(result).toMatchObject({ tenantEmpty: true, tenantDeleted: false, tenantRecord: 'kept', piiErased: false });
    expect(registryCalls.filter((call) => call.tenantId === tenantId)).toEqual([]);
    expect(lifecycleEvents(tenantId)).toEqual([
      expect.objectContaining({ type: 'TENANT_EMPTY', certificateId: result.certificateId }),
    ]);
    const stored = await certificateById(pool, result.certificateId!);
    expect(stored!.certificate.body.registry).toEqual({
      tenantRecord: 'kept',
      tenantRecordDeleted: false,
      piiErased: false,
    });
  });

  it('issues nothing while an instance is still active', async () => {
    const tenantId = await tenantWith('busy', ['DELETED', 'ACTIVE']);
    const result = await finalize(finalizeInput(tenantId));
    expect(result).toEqual({ tenantEmpty: false, tenantDeleted: false, tenantRecord: 'kept', piiErased: false });
    expect(lifecycleEvents(tenantId)).toEqual([]);
    const { rows } = await pool.query('SELECT 1 FROM deletion_certificates WHERE tenant_id = $1', [tenantId]);
    expect(rows).toEqual([]);
  });
});
