/**
 * Members, roles and ownership in the registry, on the local stack's PostgreSQL over real HTTP (registry-harness.ts):
 * exactly one owner once there is one, transfers that leave no gap and no second owner, members erased with the
 * tenant's PII, and each route open only to its scopes.
 */
import { randomUUID } from 'node:crypto';
import {
  ADMIN_TOKEN_ISSUER,
  mintServiceToken,
  READER_TOKEN_ISSUER,
  TOKEN_ISSUER,
  type Scope,
  type TokenIssuer,
} from '@tenant-deletion/contract/service-token';
import { callRegistry, startRegistryHarness, tokenFor, type Answer, type RegistryHarness } from './registry-harness';

const run = `members-${randomUUID().slice(0, 8)}`;
let count = 0;
const newTenantId = () => `${run}-${++count}`;
const record = { displayName: 'Forno Bianco', ownerEmail: 'owner@forno.example', billingAddress: 'Via Roma 1' };

let harness: RegistryHarness;
const call = (method: string, path: string, options: { body?: unknown; token?: string | null } = {}): Promise<Answer> =>
  callRegistry(harness, method, path, options);

async function createTenant(owner?: string, tenantId = newTenantId()): Promise<string> {
  const created = await call('POST', '/tenants', { body: { tenantId, ...record, ...(owner ? { owner } : {}) } });
  expect(created.status).toBe(201);
  return tenantId;
}

/** The members as stored, straight from the table. */
async function stored(tenantId: string): Promise<Record<string, string>> {
  const { rows } = await harness.db.query<{ user_id: string; role: string }>(
    'SELECT user_id, role FROM tenant_members WHERE tenant_id = $1',
    [tenantId],
  );
  return Object.fromEntries(rows.map((row) => [row.user_id, row.role]));
}

const put = (tenantId: string, userId: string, role: string) =>
  call('PUT', `/tenants/${tenantId}/members/${userId}`, { body: { role } });
const transfer = (tenantId: string, to: string) =>
  call('POST', `/tenants/${tenantId}/transfer-ownership`, { body: { to } });

beforeAll(async () => {
  harness = await startRegistryHarness();
});
afterAll(async () => {
  await harness?.db.query('DELETE FROM tenants WHERE tenant_id LIKE $1', [`${run}-%`]);
  await harness?.close();
});

describe('registry members (PostgreSQL tenant_registry, HTTP)', () => {
  it('POST /tenants with an owner makes them the owner; GET members lists owner, admins, members in order', async () => {
    const tenantId = newTenantId();
    const created = await call('POST', '/tenants', { body: { tenantId, ...record, owner: 'alice' } });
    expect(created).toMatchObject({ status: 201, body: { tenant_id: tenantId, owner: 'alice' } });
    expect(await put(tenantId, 'zed', 'member')).toMatchObject({
      status: 201,
      body: { user_id: 'zed', role: 'member' },
    });
    expect((await put(tenantId, 'bob', 'admin')).status).toBe(201);
    const listed = await call('GET', `/tenants/${tenantId}/members`);
    expect(listed).toMatchObject({ status: 200 });
    expect(listed.body).toEqual({
      tenant_id: tenantId,
      status: 'ACTIVE',
      members: [
        { user_id: 'alice', role: 'owner', added_at: expect.any(String) },
        { user_id: 'bob', role: 'admin', added_at: expect.any(String) },
        { user_id: 'zed', role: 'member', added_at: expect.any(String) },
      ],
    });
  });

  it('PUT sets a role (200) and keeps when the member was added', async () => {
    const tenantId = await createTenant('alice');
    const added = await put(tenantId, 'bob', 'member');
    expect(added.status).toBe(201);
    const changed = await put(tenantId, 'bob', 'admin');
    expect(changed).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { user_id: 'bob', role: 'admin', added_at: added.body.added_at },
    });
    expect(await stored(tenantId)).toEqual({ alice: 'owner', bob: 'admin' });
  });

  it('a tenant without an owner gets one by PUT role=owner; then a second owner is refused (409 OWNER_EXISTS)', async () => {
    const tenantId = await createTenant();
    expect(await stored(tenantId)).toEqual({});
    expect(await put(tenantId, 'alice', 'owner')).toMatchObject({ status: 201, body: { role: 'owner' } });
    expect(await put(tenantId, 'alice', 'owner')).toMatchObject({ status: 200, body: { role: 'owner' } });
    await put(tenantId, 'bob', 'admin');
    const refused = await put(tenantId, 'bob', 'owner');
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'OWNER_EXISTS' } } });
    expect(refused.body.error?.message).toMatch(/owned by alice.*transfer-ownership/);
    expect(await put(tenantId, 'mallory', 'owner')).toMatchObject({ status: 409 });
    expect(await stored(tenantId)).toEqual({ alice: 'owner', bob: 'admin' });
  });

  it("refuses to lower the owner's role or remove the owner (409 OWNER_REQUIRED)", async () => {
    const tenantId = await createTenant('alice');
    for (const role of ['admin', 'member']) {
      expect(await put(tenantId, 'alice', role)).toMatchObject({
        status: 409,
        body: { error: { code: 'OWNER_REQUIRED' } },
      });
    }
    const removed = await call('DELETE', `/tenants/${tenantId}/members/alice`);
    expect(removed).toMatchObject({ status: 409, body: { error: { code: 'OWNER_REQUIRED' } } });
    expect(await stored(tenantId)).toEqual({ alice: 'owner' });
  });

  it('DELETE removes a member, and says so; a repeat removes nothing', async () => {
    const tenantId = await createTenant('alice');
    await put(tenantId, 'bob', 'admin');
    expect((await call('DELETE', `/tenants/${tenantId}/members/bob`)).body).toEqual({
      tenant_id: tenantId,
      user_id: 'bob',
      removed: true,
    });
    expect((await call('DELETE', `/tenants/${tenantId}/members/bob`)).body).toMatchObject({ removed: false });
    expect(await stored(tenantId)).toEqual({ alice: 'owner' });
  });

  it('transfer-ownership makes a member the owner and the old owner an admin; a repeat changes nothing', async () => {
    const tenantId = await createTenant('alice');
    await put(tenantId, 'bob', 'member');
    expect(await transfer(tenantId, 'bob')).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { tenant_id: tenantId, owner: 'bob', previous_owner: 'alice', changed: true },
    });
    expect(await stored(tenantId)).toEqual({ alice: 'admin', bob: 'owner' });
    expect((await transfer(tenantId, 'bob')).body).toMatchObject({ owner: 'bob', changed: false });
    expect(await stored(tenantId)).toEqual({ alice: 'admin', bob: 'owner' });
  });

  it('transfer-ownership to someone who is not a member is refused (409 NOT_A_MEMBER)', async () => {
    const tenantId = await createTenant('alice');
    const refused = await transfer(tenantId, 'stranger');
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'NOT_A_MEMBER' } } });
    expect(refused.body.error?.message).toMatch(/add them first/);
    expect(await stored(tenantId)).toEqual({ alice: 'owner' });
  });

  it('concurrent transfers leave exactly one owner, everyone else an admin', async () => {
    const tenantId = await createTenant('alice');
    const admins = Array.from({ length: 8 }, (_, i) => `admin-${i}`);
    for (const admin of admins) await put(tenantId, admin, 'admin');
    const answers = await Promise.all(admins.map((admin) => transfer(tenantId, admin)));
    expect(answers.map((answer) => answer.status)).toEqual(admins.map(() => 200));
    const roles = Object.values(await stored(tenantId));
    expect(roles.filter((role) => role === 'owner')).toHaveLength(1);
    expect(roles.filter((role) => role === 'admin')).toHaveLength(admins.length);
  });

  it('POST /tenants naming another owner than the one it has is refused, saving nothing', async () => {
    const tenantId = await createTenant('alice');
    const refused = await call('POST', '/tenants', {
      body: { tenantId, ...record, displayName: 'Renamed', owner: 'mallory' },
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'OWNER_EXISTS' } } });
    const row = await harness.db.query('SELECT display_name FROM tenants WHERE tenant_id = $1', [tenantId]);
    expect(row.rows[0].display_name).toBe(record.displayName);
    expect(await stored(tenantId)).toEqual({ alice: 'owner' });
    // Re-seeding with the same owner, or none, is the usual update.
    expect((await call('POST', '/tenants', { body: { tenantId, ...record, owner: 'alice' } })).status).toBe(201);
    expect((await call('POST', '/tenants', { body: { tenantId, ...record } })).status).toBe(201);
  });

  it('answers 404 TENANT_NOT_FOUND on every members route of an unknown tenant, storing nothing', async () => {
    const unknown = newTenantId();
    for (const answer of [
      await call('GET', `/tenants/${unknown}/members`),
      await put(unknown, 'alice', 'owner'),
      await call('DELETE', `/tenants/${unknown}/members/alice`),
      await transfer(unknown, 'alice'),
    ]) {
      expect(answer).toMatchObject({ status: 404, body: { error: { code: 'TENANT_NOT_FOUND' } } });
    }
    expect(await stored(unknown)).toEqual({});
  });

  it.each([
    ['a role it does not know', 'alice', { role: 'superuser' }, 'INVALID_MEMBER'],
    ['no role', 'alice', {}, 'INVALID_MEMBER'],
    ['an extra field', 'alice', { role: 'admin', email: 'alice@example.com' }, 'INVALID_MEMBER'],
    ['a user id with a space', 'a%20b', { role: 'admin' }, 'INVALID_ID'],
    ['an over-long user id', 'u'.repeat(65), { role: 'admin' }, 'INVALID_ID'],
  ])('refuses a PUT with %s (400), storing nothing', async (_label, userId, body, code) => {
    const tenantId = await createTenant();
    const refused = await call('PUT', `/tenants/${tenantId}/members/${userId}`, { body });
    expect(refused).toMatchObject({ status: 400, body: { error: { code } } });
    expect(refused.body.error?.message).not.toContain('alice@example.com');
    expect(await stored(tenantId)).toEqual({});
  });

  it('refuses a transfer without a valid `to` (400)', async () => {
    const tenantId = await createTenant('alice');
    for (const body of [{}, { to: 'has space' }, { to: 'bob', also: 1 }]) {
      expect(await call('POST', `/tenants/${tenantId}/transfer-ownership`, { body })).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_TRANSFER' } },
      });
    }
  });

  it("erasing the tenant's PII erases its members; a deleted tenant's members no longer change", async () => {
    const tenantId = await createTenant('alice');
    await put(tenantId, 'bob', 'admin');
    expect((await call('DELETE', `/tenants/${tenantId}?erasePii=true`)).status).toBe(200);
    expect(await stored(tenantId)).toEqual({});
    expect((await call('GET', `/tenants/${tenantId}/members`)).body).toEqual({
      tenant_id: tenantId,
      status: 'DELETED',
      members: [],
    });
    for (const answer of [
      await put(tenantId, 'alice', 'owner'),
      await call('DELETE', `/tenants/${tenantId}/members/bob`),
      await transfer(tenantId, 'bob'),
    ]) {
      expect(answer).toMatchObject({ status: 409, body: { error: { code: 'TENANT_DELETED' } } });
    }
    expect(await stored(tenantId)).toEqual({});
  });

  it('deleting without erasure keeps the members, as it keeps the record', async () => {
    const tenantId = await createTenant('alice');
    expect((await call('DELETE', `/tenants/${tenantId}?erasePii=false`)).status).toBe(200);
    expect(await stored(tenantId)).toEqual({ alice: 'owner' });
    expect((await call('GET', `/tenants/${tenantId}/members`)).body).toMatchObject({ status: 'DELETED' });
  });

  it("a forced re-creation starts without the old tenant's members", async () => {
    const tenantId = await createTenant('alice');
    await put(tenantId, 'bob', 'admin');
    await call('DELETE', `/tenants/${tenantId}?erasePii=false`);
    const recreated = await call('POST', '/tenants?force=true', { body: { tenantId, ...record, owner: 'carol' } });
    expect(recreated).toMatchObject({ status: 201, body: { recreated: true, owner: 'carol' } });
    expect(await stored(tenantId)).toEqual({ carol: 'owner' });
  });

  it('logs member changes with ids and who asked, never a token', () => {
    const lines = harness.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'ownership transferred',
        owner: 'bob',
        previousOwner: 'alice',
        by: 'registry-test',
      }),
    );
    const logged = harness.logLines.join('');
    for (const token of harness.sentTokens) expect(logged).not.toContain(token);
    expect(logged).not.toContain(record.ownerEmail);
  });

  describe('scopes', () => {
    let tenantId: string;
    beforeAll(async () => {
      tenantId = await createTenant('alice');
      await put(tenantId, 'bob', 'admin');
    });

    /** Every route with a body that would succeed, and the scopes that open it. */
    const routes = (): [string, string, unknown, Scope[]][] => [
      ['GET', `/tenants/${tenantId}/members`, undefined, ['registry:members', 'registry:read']],
      ['PUT', `/tenants/${tenantId}/members/bob`, { role: 'admin' }, ['registry:members']],
      ['POST', `/tenants/${tenantId}/transfer-ownership`, { to: 'alice' }, ['registry:members']],
      ['DELETE', `/tenants/${tenantId}/members/nobody`, undefined, ['registry:members']],
      ['POST', '/tenants', { tenantId, ...record }, ['registry:members']],
      ['GET', `/tenants/${tenantId}`, undefined, ['registry:read']],
      ['POST', `/tenants/${tenantId}/resume`, undefined, ['registry:suspend']],
      ['DELETE', `/tenants/${newTenantId()}?erasePii=true`, undefined, ['registry:erase']],
    ];

    /** Every scope as each authority that may grant it signs it. */
    const grants: [TokenIssuer, Scope][] = [
      [TOKEN_ISSUER, 'registry:read'],
      [TOKEN_ISSUER, 'registry:suspend'],
      [TOKEN_ISSUER, 'registry:erase'],
      [TOKEN_ISSUER, 'tenant-data:delete'],
      [READER_TOKEN_ISSUER, 'registry:read'],
      [ADMIN_TOKEN_ISSUER, 'registry:members'],
      [ADMIN_TOKEN_ISSUER, 'registry:read'],
      [ADMIN_TOKEN_ISSUER, 'legal-hold:admin'],
    ];

    it.each(grants)('a %s token for %s opens exactly the routes of its scope', async (issuer, scope) => {
      const token = await tokenFor(harness, scope, { issuer });
      for (const [method, path, body, allowed] of routes()) {
        const answer = await call(method, path, { token, body });
        const opened = allowed.includes(scope);
        // A route it opens answers as without any token problem (the unknown tenant's erase answers 404).
        expect([method, path, opened ? answer.status < 300 || answer.status === 404 : answer.status]).toEqual([
          method,
          path,
          opened ? true : 403,
        ]);
        if (!opened) expect(answer.body.error?.code).toBe('FORBIDDEN');
      }
    });

    it('a route open to either of two scopes names both in its refusal', async () => {
      const refused = await call('GET', `/tenants/${tenantId}/members`, {
        token: await tokenFor(harness, 'registry:suspend'),
      });
      expect(refused).toMatchObject({ status: 403 });
      expect(refused.body.error?.message).toBe('token lacks scope registry:members or registry:read');
    });

    it('a token claiming a scope its authority may not grant is refused, even with that key (a leaked reader key)', async () => {
      // mintServiceToken refuses to make it; an attacker with the readers' private key signs it by hand.
      const { SignJWT } = await import('jose');
      const reader = harness.signers[READER_TOKEN_ISSUER];
      const forged = await new SignJWT({ scope: 'registry:members registry:erase registry:suspend' })
        .setProtectedHeader({ alg: 'EdDSA', kid: reader.keyId })
        .setIssuer(READER_TOKEN_ISSUER)
        .setAudience('tenant-registry')
        .setSubject('mallory')
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(reader.privateKey);
      const before = await stored(tenantId);
      for (const [method, path, body] of [
        ['PUT', `/tenants/${tenantId}/members/mallory`, { role: 'admin' }],
        ['POST', `/tenants/${tenantId}/transfer-ownership`, { to: 'bob' }],
        ['POST', `/tenants/${tenantId}/suspend`, undefined],
        ['DELETE', `/tenants/${tenantId}?erasePii=true`, undefined],
      ] as const) {
        const answer = await call(method, path, { token: forged, body });
        expect([method, path, answer.status]).toEqual([method, path, 403]);
        expect(answer.body.error?.message).toMatch(/tenant-deletion-readers may not grant/);
      }
      expect(await stored(tenantId)).toEqual(before);
      const row = await harness.db.query('SELECT status FROM tenants WHERE tenant_id = $1', [tenantId]);
      expect(row.rows[0].status).toBe('ACTIVE');
    });

    it('mintServiceToken itself refuses to make a reader token for registry:members', async () => {
      await expect(
        mintServiceToken(harness.signers[READER_TOKEN_ISSUER], {
          audience: 'tenant-registry',
          subject: 'x',
          scopes: ['registry:members'],
        }),
      ).rejects.toThrow(/may not grant registry:members/);
    });

    it('an unknown path needs a valid registry token before it answers 404', async () => {
      expect((await call('GET', '/admin/secrets', { token: null })).status).toBe(401);
      expect((await call('GET', '/admin/secrets')).status).toBe(404);
    });
  });
});
