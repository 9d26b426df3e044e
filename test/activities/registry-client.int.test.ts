/**
 * RegistryClient against the real registry (services/registry) over HTTP, on the local stack's PostgreSQL
 * (`npm run stack:up`): what a delete of a missing record and a creation time look like to the orchestrator.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { RegistryClient } from '../../activities/registry-client';
import { loadConfig } from '../../common/config';
import { READER_TOKEN_ISSUER, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { registryDatabaseUrl, startRegistry, type RunningRegistry } from '../../services/registry/registry-server';
import { testTokens } from '../kit/test-tokens';

// Fresh keys of the three authorities, trusted by this registry only (real Ed25519 and jose, not on disk).
const tokens = testTokens();
const databaseUrl = registryDatabaseUrl(loadConfig().DATABASE_URL);
const run = `reg-client-${randomUUID().slice(0, 8)}`;
let registry: RunningRegistry;
let client: RegistryClient;

async function create(tenantId: string, force = false): Promise<void> {
  const token = await tokens.mint('tenant-registry', 'registry:members', 'test');
  const response = await fetch(`${registry.url}/tenants${force ? '?force=true' : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      tenantId,
      displayName: 'Forno Bianco',
      ownerEmail: 'owner@forno.example',
      billingAddress: 'Via Roma 1, 00100 Roma',
    }),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  registry = await startRegistry({
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    tokens: tokens.verifier,
    logger: pino({ level: 'silent' }),
  });
  client = new RegistryClient(registry.url, tokens.signers[TOKEN_ISSUER]);
});

afterAll(async () => {
  const db = new pg.Pool({ connectionString: databaseUrl });
  await db.query('DELETE FROM tenants WHERE tenant_id LIKE $1', [`${run}-%`]);
  await db.end();
  await registry?.close();
});

describe('RegistryClient (real tenant registry over HTTP)', () => {
  it('deleteTenant reports a 404 as not found, never as an erasure', async () => {
    expect(await client.deleteTenant(`${run}-unknown`, true, 'trace-1', 1)).toEqual({ found: false });
  });

  it('deleteTenant reports a deleted record and whether the registry erased its PII, on a retry too', async () => {
    const tenantId = `${run}-erased`;
    await create(tenantId);
    expect(await client.deleteTenant(tenantId, true, 'trace-1', 1)).toEqual({ found: true, piiErased: true });
    expect(await client.deleteTenant(tenantId, true, 'trace-1', 2)).toEqual({ found: true, piiErased: true });
    const kept = `${run}-kept`;
    await create(kept);
    expect(await client.deleteTenant(kept, false, 'trace-1', 1)).toEqual({ found: true, piiErased: false });
  });

  it('createdAt is null for an unknown tenant and moves to the forced re-creation time', async () => {
    expect(await client.createdAt(`${run}-nobody`, 'trace-1', 1)).toBeNull();
    const tenantId = `${run}-recreated`;
    await create(tenantId);
    const first = await client.createdAt(tenantId, 'trace-1', 1);
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await client.deleteTenant(tenantId, true, 'trace-1', 1);
    expect(await client.createdAt(tenantId, 'trace-1', 1)).toBe(first);
    await create(tenantId, true);
    const second = await client.createdAt(tenantId, 'trace-1', 1);
    expect(Date.parse(second!)).toBeGreaterThan(Date.parse(first!));
  });

  it('suspend and resume carry the suspend scope the registry asks of them', async () => {
    const tenantId = `${run}-suspended`;
    await create(tenantId);
    expect(await client.suspend(tenantId, 'trace-1', 1)).toBe(true);
    await client.resume(tenantId, 'trace-1', 1);
    expect(await client.suspend(`${run}-nobody`, 'trace-1', 1)).toBe(false);
  });

  it("the readers' key cannot even ask for an erasure: it grants registry:read only", async () => {
    const reader = new RegistryClient(registry.url, tokens.signers[READER_TOKEN_ISSUER]);
    expect(await reader.createdAt(`${run}-nobody`, 'trace-1', 1)).toBeNull();
    await expect(reader.deleteTenant(`${run}-any`, true, 'trace-1', 1)).rejects.toThrow(
      'tenant-deletion-readers may not grant registry:erase',
    );
  });

  it('a key the registry does not trust is a refusal (ServiceRejected), not an unknown tenant', async () => {
    const wrong = new RegistryClient(registry.url, testTokens().signers[TOKEN_ISSUER]);
    await expect(wrong.createdAt(`${run}-any`, 'trace-1', 1)).rejects.toMatchObject({
      type: 'ServiceRejected',
      message: expect.stringMatching(/answered GET \/tenants\/.* with 401/),
    });
  });
});
