/**
 * Needs the local stack's PostgreSQL: the registry creates and migrates its own database
 * (tenant_registry on the DATABASE_URL server) and is driven over real HTTP (registry-harness.ts).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { READER_TOKEN_ISSUER, TOKEN_ISSUER, type TokenSigner } from '@tenant-deletion/contract/service-token';
import { suspensionCheck } from '../../services/registry/suspension-check';
import { callRegistry, startRegistryHarness, tokenFor, type Answer, type RegistryHarness } from './registry-harness';

const run = `reg-test-${randomUUID().slice(0, 8)}`;
let tenantCount = 0;
function newTenantId(): string {
  tenantCount += 1;
  return `${run}-${tenantCount}`;
}

const pii = {
  displayName: 'Bäckerei Sonnenschein GmbH',
  ownerEmail: 'owner@sonnenschein.example',
  billingAddress: 'Hauptstraße 1, 10115 Berlin',
};

let harness: RegistryHarness;

const call = (
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> => callRegistry(harness, method, path, options);

async function createTenant(tenantId = newTenantId()): Promise<string> {
  const created = await call('POST', '/tenants', { body: { tenantId, ...pii } });
  expect(created.status).toBe(201);
  return tenantId;
}

async function storedRow(tenantId: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await harness.db.query('SELECT * FROM tenants WHERE tenant_id = $1', [tenantId]);
  return rows[0];
}

beforeAll(async () => {
  harness = await startRegistryHarness();
});

afterAll(async () => {
  await harness?.db.query('DELETE FROM tenants WHERE tenant_id LIKE $1', [`${run}-%`]);
  await harness?.close();
});

describe('tenant registry (PostgreSQL tenant_registry, HTTP)', () => {
  it('answers /healthz without a token', async () => {
    expect(await call('GET', '/healthz', { token: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('creates a tenant and shows its state and creation time without any PII', async () => {
    const tenantId = await createTenant();
    const got = await call('GET', `/tenants/${tenantId}`);
    expect(got).toMatchObject({ status: 200, body: { tenant_id: tenantId, status: 'ACTIVE', suspended: false } });
    expect(Object.keys(got.body).sort()).toEqual(['created_at', 'status', 'suspended', 'tenant_id']);
    expect(got.body.created_at).toBe(((await storedRow(tenantId))!.created_at as Date).toISOString());
    expect(await storedRow(tenantId)).toMatchObject({
      display_name: pii.displayName,
      owner_email: pii.ownerEmail,
      billing_address: pii.billingAddress,
    });
  });

  it('re-seeding the same tenant is an update, not an error', async () => {
    const tenantId = await createTenant();
    const createdAt = (await call('GET', `/tenants/${tenantId}`)).body.created_at;
    const again = await call('POST', '/tenants', { body: { tenantId, ...pii, displayName: 'Renamed' } });
    expect(again).toMatchObject({
      status: 201,
      body: { tenant_id: tenantId, status: 'ACTIVE', created_at: createdAt, recreated: false },
    });
    expect(await storedRow(tenantId)).toMatchObject({ display_name: 'Renamed' });
  });

  it('refuses an invalid tenant record, naming the fields', async () => {
    const refused = await call('POST', '/tenants', {
      body: { tenantId: newTenantId(), displayName: '', ownerEmail: 'not-an-email', billingAddress: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('INVALID_TENANT');
    expect(refused.body.error?.message).toMatch(/displayName/);
    expect(refused.body.error?.message).toMatch(/ownerEmail/);
    expect(refused.body.error?.message).not.toContain('not-an-email');
  });

  it('answers 404 for an unknown tenant on GET, suspend and resume', async () => {
    const unknown = newTenantId();
    expect((await call('GET', `/tenants/${unknown}`)).status).toBe(404);
    expect((await call('POST', `/tenants/${unknown}/suspend`)).body).toEqual({
      error: { code: 'TENANT_NOT_FOUND', message: expect.stringContaining(unknown) },
    });
    expect((await call('POST', `/tenants/${unknown}/resume`)).status).toBe(404);
  });

  it('suspends idempotently, keeping the first suspension time, and resumes', async () => {
    const tenantId = await createTenant();
    const first = await call('POST', `/tenants/${tenantId}/suspend`);
    expect(first).toMatchObject({ status: 200, body: { tenant_id: tenantId, status: 'SUSPENDED' } });
    expect(new Date(String(first.body.timestamp)).toISOString()).toBe(first.body.timestamp);
    const second = await call('POST', `/tenants/${tenantId}/suspend`);
    expect(second.body).toEqual(first.body);
    expect((await call('GET', `/tenants/${tenantId}`)).body).toEqual({
      tenant_id: tenantId,
      status: 'SUSPENDED',
      suspended: true,
      created_at: expect.any(String),
    });

    const resumed = await call('POST', `/tenants/${tenantId}/resume`);
    expect(resumed).toMatchObject({ status: 200, body: { tenant_id: tenantId, status: 'ACTIVE' } });
    expect((await call('POST', `/tenants/${tenantId}/resume`)).status).toBe(200);
    expect((await call('GET', `/tenants/${tenantId}`)).body.suspended).toBe(false);
    expect(await storedRow(tenantId)).toMatchObject({ status: 'ACTIVE', suspended_at: null });
  });

  it('deletes with erasePii=true leaving a tombstone with no PII in the table, idempotently', async () => {
    const tenantId = await createTenant();
    await call('POST', `/tenants/${tenantId}/suspend`);
    const deleted = await call('DELETE', `/tenants/${tenantId}?erasePii=true`);
    expect(deleted).toMatchObject({
      status: 200,
      body: { tenant_id: tenantId, erased: true, pii_erased: true, timestamp: expect.any(String) },
    });
    const row = await storedRow(tenantId);
    expect(row).toMatchObject({
      status: 'DELETED',
      display_name: null,
      owner_email: null,
      billing_address: null,
      pii_erased_at: expect.any(Date),
      deleted_at: expect.any(Date),
    });
    // The whole row as text, so a PII value left in any column, present or future, is caught.
    const { rows } = await harness.db.query('SELECT t::text AS whole FROM tenants t WHERE tenant_id = $1', [tenantId]);
    for (const value of Object.values(pii)) expect(rows[0].whole).not.toContain(value);

    const repeat = await call('DELETE', `/tenants/${tenantId}?erasePii=true`);
    expect(repeat).toMatchObject({ status: 200, body: deleted.body });
    // Erasure is one-way: a later delete without it does not bring anything back or un-erase.
    const withoutErasure = await call('DELETE', `/tenants/${tenantId}?erasePii=false`);
    expect(withoutErasure.body).toMatchObject({ erased: true, pii_erased: true });
    expect((await call('GET', `/tenants/${tenantId}`)).body).toEqual({
      tenant_id: tenantId,
      status: 'DELETED',
      suspended: true,
      created_at: expect.any(String),
    });
  });

  it('deletes with erasePii=false keeping the record', async () => {
    const tenantId = await createTenant();
    const deleted = await call('DELETE', `/tenants/${tenantId}?erasePii=false`);
    expect(deleted).toMatchObject({ status: 200, body: { tenant_id: tenantId, erased: true, pii_erased: false } });
    expect(await storedRow(tenantId)).toMatchObject({
      status: 'DELETED',
      display_name: pii.displayName,
      owner_email: pii.ownerEmail,
      pii_erased_at: null,
    });
  });

  it('a deleted tenant cannot be resumed and stays deleted when suspended', async () => {
    const tenantId = await createTenant();
    await call('DELETE', `/tenants/${tenantId}?erasePii=true`);
    expect(await call('POST', `/tenants/${tenantId}/resume`)).toMatchObject({
      status: 409,
      body: { error: { code: 'TENANT_DELETED' } },
    });
    expect(await call('POST', `/tenants/${tenantId}/suspend`)).toMatchObject({
      status: 200,
      body: { status: 'DELETED' },
    });
    expect(await storedRow(tenantId)).toMatchObject({ status: 'DELETED', owner_email: null });
  });

  it('refuses to re-create an erased tenant without force: 409 TENANT_DELETED, the tombstone unchanged', async () => {
    const tenantId = await createTenant();
    const deleted = await call('DELETE', `/tenants/${tenantId}?erasePii=true`);
    const tombstone = await storedRow(tenantId);
    for (const path of ['/tenants', '/tenants?force=false']) {
      const refused = await call('POST', path, { body: { tenantId, ...pii } });
      expect(refused).toMatchObject({ status: 409, body: { error: { code: 'TENANT_DELETED' } } });
      expect(refused.body.error?.message).toContain(`tenant ${tenantId} was deleted at ${deleted.body.timestamp}`);
      expect(refused.body.error?.message).toMatch(/PII erased.*force=true/);
      for (const value of Object.values(pii)) expect(refused.body.error?.message).not.toContain(value);
    }
    expect(await storedRow(tenantId)).toEqual(tombstone);
    expect((await call('GET', `/tenants/${tenantId}`)).body.status).toBe('DELETED');
  });

  it('re-creates an erased tenant with force=true: ACTIVE, a new created_at, logged with that time and no PII', async () => {
    const tenantId = await createTenant();
    const firstCreatedAt = (await call('GET', `/tenants/${tenantId}`)).body.created_at as string;
    await call('DELETE', `/tenants/${tenantId}?erasePii=true`);
    const linesBefore = harness.logLines.length;

    const recreated = await call('POST', '/tenants?force=true', { body: { tenantId, ...pii } });
    expect(recreated).toMatchObject({ status: 201, body: { tenant_id: tenantId, status: 'ACTIVE', recreated: true } });
    const createdAt = recreated.body.created_at as string;
    expect(Date.parse(createdAt)).toBeGreaterThan(Date.parse(firstCreatedAt));
    expect((await call('GET', `/tenants/${tenantId}`)).body).toEqual({
      tenant_id: tenantId,
      status: 'ACTIVE',
      suspended: false,
      created_at: createdAt,
    });
    expect(await storedRow(tenantId)).toMatchObject({
      owner_email: pii.ownerEmail,
      pii_erased_at: null,
      deleted_at: null,
      suspended_at: null,
    });

    const logged = harness.logLines
      .slice(linesBefore)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'deleted tenant re-created (forced)');
    expect(logged).toEqual([expect.objectContaining({ level: 40, tenantId, createdAt, forced: true })]);
    for (const value of Object.values(pii)) expect(JSON.stringify(logged)).not.toContain(value);
  });

  it('force=true on a live tenant refreshes it like any re-seed, keeping its created_at', async () => {
    const tenantId = await createTenant();
    const createdAt = (await call('GET', `/tenants/${tenantId}`)).body.created_at;
    const again = await call('POST', '/tenants?force=true', { body: { tenantId, ...pii } });
    expect(again).toMatchObject({ status: 201, body: { created_at: createdAt, recreated: false } });
  });

  it.each(['yes', 'TRUE', '1', ''])('refuses force=%s with 400, creating nothing', async (value) => {
    const tenantId = newTenantId();
    const refused = await call('POST', `/tenants?force=${value}`, { body: { tenantId, ...pii } });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'INVALID_FORCE' } } });
    expect(await storedRow(tenantId)).toBeUndefined();
  });

  it('answers 404 TENANT_NOT_FOUND to deleting an unknown tenant, erasing nothing and creating no row', async () => {
    const unknown = newTenantId();
    expect(await call('DELETE', `/tenants/${unknown}?erasePii=true`)).toEqual({
      status: 404,
      headers: expect.anything(),
      body: { error: { code: 'TENANT_NOT_FOUND', message: `tenant ${unknown} is not registered` } },
    });
    expect(await storedRow(unknown)).toBeUndefined();
  });

  it.each(['yes', 'TRUE', '1', ''])('refuses erasePii=%s with 400', async (value) => {
    const tenantId = await createTenant();
    const refused = await call('DELETE', `/tenants/${tenantId}?erasePii=${value}`);
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'INVALID_ERASE_PII' } } });
    expect(await storedRow(tenantId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('refuses a delete without erasePii or with it twice', async () => {
    const tenantId = await createTenant();
    expect((await call('DELETE', `/tenants/${tenantId}`)).status).toBe(400);
    expect((await call('DELETE', `/tenants/${tenantId}?erasePii=true&erasePii=false`)).status).toBe(400);
    expect(await storedRow(tenantId)).toMatchObject({ status: 'ACTIVE' });
  });

  it.each([
    ['an injection attempt', encodeURIComponent("x' OR '1'='1")],
    ['a slash', encodeURIComponent('a/b')],
    ['a space', 'a%20b'],
    ['65 characters', 'a'.repeat(65)],
    ['300 characters', 'a'.repeat(300)],
  ])('answers 400 to a tenant id with %s', async (_label, id) => {
    for (const [method, path] of [
      ['GET', `/tenants/${id}`],
      ['POST', `/tenants/${id}/suspend`],
      ['POST', `/tenants/${id}/resume`],
      ['DELETE', `/tenants/${id}?erasePii=true`],
    ]) {
      const answer = await call(method, path);
      expect([method, answer.status, answer.body.error?.code]).toEqual([method, 400, 'INVALID_TENANT_ID']);
    }
    const created = await call('POST', '/tenants', { body: { tenantId: decodeURIComponent(id), ...pii } });
    expect(created.status).toBe(400);
  });

  it('ignores an empty JSON body on bodiless calls and refuses malformed JSON', async () => {
    const tenantId = await createTenant();
    const json = { 'content-type': 'application/json' };
    expect((await call('POST', `/tenants/${tenantId}/suspend`, { headers: json })).status).toBe(200);
    expect((await call('DELETE', `/tenants/${tenantId}?erasePii=false`, { headers: json })).status).toBe(200);
    const response = await fetch(`${harness.registry.url}/tenants`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${await tokenFor(harness, 'registry:members')}` },
      body: '{"tenantId": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.any(String) } });
  });

  it('echoes a valid X-Trace-Id and replaces an invalid one', async () => {
    const traced = await call('GET', '/healthz', { headers: { 'x-trace-id': 'trace-123' } });
    expect(traced.headers.get('x-trace-id')).toBe('trace-123');
    const forged = await call('GET', '/healthz', { headers: { 'x-trace-id': 'bad trace\tid' } });
    expect(forged.headers.get('x-trace-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('auth', () => {
    const now = () => Math.floor(Date.now() / 1000);
    /** A token as an authority would sign it, with claims a test may spoil. */
    const signed = (
      claims: { aud?: string; iss?: string; iat?: number; exp?: number; scope?: string },
      signer: TokenSigner = harness.signers[TOKEN_ISSUER],
    ): Promise<string> =>
      new SignJWT({ scope: claims.scope ?? 'registry:read registry:suspend registry:erase' })
        .setProtectedHeader({ alg: 'EdDSA', kid: signer.keyId })
        .setIssuer(claims.iss ?? signer.issuer)
        .setAudience(claims.aud ?? 'tenant-registry')
        .setSubject('test')
        .setIssuedAt(claims.iat ?? now())
        .setExpirationTime(claims.exp ?? now() + 60)
        .sign(signer.privateKey);

    let tenantId: string;
    beforeAll(async () => {
      tenantId = await createTenant();
    });

    const refusedTokens: [string, () => Promise<string | null>, 401 | 403][] = [
      ['no token', async () => null, 401],
      ['a malformed header', async () => 'not a jwt', 401],
      ['an expired token', () => signed({ iat: now() - 120, exp: now() - 60 }), 401],
      [
        'a token signed by a key no authority has',
        () => signed({}, { ...harness.signers[TOKEN_ISSUER], privateKey: generateKeyPairSync('ed25519').privateKey }),
        401,
      ],
      [
        'a tampered token',
        async () => {
          const [header, , signature] = (await signed({ scope: 'registry:read' })).split('.');
          const claims = { iss: TOKEN_ISSUER, aud: 'tenant-registry', sub: 'test', iat: now(), exp: now() + 60 };
          const payload = Buffer.from(JSON.stringify({ ...claims, scope: 'registry:erase' })).toString('base64url');
          return `${header}.${payload}.${signature}`;
        },
        401,
      ],
      ['an untrusted issuer', () => signed({ iss: 'someone-else' }), 401],
      [
        'HS256',
        () =>
          new SignJWT({ scope: 'registry:read registry:suspend registry:erase registry:members' })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(TOKEN_ISSUER)
            .setAudience('tenant-registry')
            .setSubject('test')
            .setIssuedAt()
            .setExpirationTime('1m')
            .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!')),
        401,
      ],
      [
        'alg none',
        async () => {
          const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
          const claims = { iss: TOKEN_ISSUER, aud: 'tenant-registry', sub: 'test', iat: now(), exp: now() + 60 };
          return `${part({ alg: 'none' })}.${part({ ...claims, scope: 'registry:erase registry:members' })}.`;
        },
        401,
      ],
      ['a wrong audience', () => signed({ aud: 'orders' }), 403],
      ['a token without a registry scope', () => tokenFor(harness, 'tenant-data:delete'), 403],
    ];

    it.each(refusedTokens)('refuses %s, changing nothing', async (_label, token, status) => {
      const value = await token();
      for (const [method, path] of [
        ['GET', `/tenants/${tenantId}`],
        ['POST', `/tenants/${tenantId}/suspend`],
        ['DELETE', `/tenants/${tenantId}?erasePii=true`],
        ['GET', `/tenants/${tenantId}/members`],
      ]) {
        const answer = await call(method, path, { token: value });
        expect([method, path, answer.status]).toEqual([method, path, status]);
        expect(answer.body.error?.code).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
      for (const [method, path, body] of [
        ['PUT', `/tenants/${tenantId}/members/mallory`, { role: 'owner' }],
        ['POST', `/tenants/${tenantId}/transfer-ownership`, { to: 'mallory' }],
        ['POST', '/tenants', { tenantId: newTenantId(), ...pii, owner: 'mallory' }],
      ] as const) {
        expect([method, path, (await call(method, path, { token: value, body })).status]).toEqual([
          method,
          path,
          status,
        ]);
      }
      expect(await storedRow(tenantId)).toMatchObject({ status: 'ACTIVE', owner_email: pii.ownerEmail });
      const members = await harness.db.query('SELECT * FROM tenant_members WHERE tenant_id = $1', [tenantId]);
      expect(members.rows).toEqual([]);
    });
  });

  describe('suspensionCheck', () => {
    it('says whether a tenant is suspended, and treats an unknown tenant as not suspended', async () => {
      const isSuspended = suspensionCheck({
        registryUrl: harness.registry.url,
        signer: harness.signers[READER_TOKEN_ISSUER],
        cacheMs: 0,
      });
      const tenantId = await createTenant();
      expect(await isSuspended(tenantId)).toBe(false);
      await call('POST', `/tenants/${tenantId}/suspend`);
      expect(await isSuspended(tenantId)).toBe(true);
      await call('DELETE', `/tenants/${tenantId}?erasePii=true`);
      expect(await isSuspended(tenantId)).toBe(true);
      expect(await isSuspended(newTenantId())).toBe(false);
    });

    it('caches an answer for about a second', async () => {
      const isSuspended = suspensionCheck({
        registryUrl: harness.registry.url,
        signer: harness.signers[READER_TOKEN_ISSUER],
      });
      const tenantId = await createTenant();
      expect(await isSuspended(tenantId)).toBe(false);
      await call('POST', `/tenants/${tenantId}/suspend`);
      expect(await isSuspended(tenantId)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await isSuspended(tenantId)).toBe(true);
    });

    it('throws when the registry refuses or cannot be reached', async () => {
      const reader = harness.signers[READER_TOKEN_ISSUER];
      const unknownKey = suspensionCheck({
        registryUrl: harness.registry.url,
        signer: { ...reader, privateKey: generateKeyPairSync('ed25519').privateKey },
      });
      await expect(unknownKey('any-tenant')).rejects.toMatchObject({ name: 'SuspensionCheckFailed', status: 401 });
      const nowhere = suspensionCheck({ registryUrl: 'http://127.0.0.1:9', signer: reader });
      await expect(nowhere('any-tenant')).rejects.toMatchObject({ name: 'SuspensionCheckFailed', status: undefined });
    });
  });

  it('logged the trace id but no PII and no token', () => {
    const logged = harness.logLines.join('');
    expect(logged).toContain('"traceId"');
    for (const value of [...Object.values(pii), 'Renamed', ...harness.sentTokens]) expect(logged).not.toContain(value);
  });
});
