/**
 * registryMembers against the real registry (in-process, on the local stack's PostgreSQL, test/registry's harness):
 * what it says of owners, admins, members and strangers, of unknown and erased tenants, and that it never says
 * "allowed" or "unknown tenant" when it could not ask.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ADMIN_TOKEN_ISSUER, READER_TOKEN_ISSUER, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import {
  registryMembers,
  RegistryMembersUnavailable,
  type RegistryMembersLookup,
} from '../../client/authorization/registry-members';
import { callRegistry, startRegistryHarness, type RegistryHarness } from '../registry/registry-harness';

const run = `lookup-${randomUUID().slice(0, 8)}`;
let count = 0;
const newTenantId = () => `${run}-${++count}`;
const record = { displayName: 'Panadería La Espiga', ownerEmail: 'o@espiga.example', billingAddress: 'Calle 1' };

let harness: RegistryHarness;
let lookup: RegistryMembersLookup;

async function tenantWithMembers(): Promise<string> {
  const tenantId = newTenantId();
  expect(
    (await callRegistry(harness, 'POST', '/tenants', { body: { tenantId, ...record, owner: 'alice' } })).status,
  ).toBe(201);
  for (const [userId, role] of [
    ['bob', 'admin'],
    ['carol', 'member'],
  ]) {
    const put = await callRegistry(harness, 'PUT', `/tenants/${tenantId}/members/${userId}`, { body: { role } });
    expect(put.status).toBe(201);
  }
  return tenantId;
}

beforeAll(async () => {
  harness = await startRegistryHarness();
  lookup = registryMembers({ registryUrl: harness.registry.url, signer: harness.signers[READER_TOKEN_ISSUER] });
});
afterAll(async () => {
  await harness?.db.query('DELETE FROM tenants WHERE tenant_id LIKE $1', [`${run}-%`]);
  await harness?.close();
});

describe('registryMembers (the real registry)', () => {
  it("says each subject's role in the tenant, and none for a stranger", async () => {
    const tenantId = await tenantWithMembers();
    expect(await lookup(tenantId, 'alice')).toEqual({ tenantExists: true, role: 'owner', status: 'ACTIVE' });
    expect(await lookup(tenantId, 'bob')).toEqual({ tenantExists: true, role: 'admin', status: 'ACTIVE' });
    expect(await lookup(tenantId, 'carol')).toEqual({ tenantExists: true, role: 'member', status: 'ACTIVE' });
    expect(await lookup(tenantId, 'dave')).toEqual({ tenantExists: true, role: undefined, status: 'ACTIVE' });
  });

  it('says an unknown tenant does not exist', async () => {
    expect(await lookup(newTenantId(), 'alice')).toEqual({ tenantExists: false });
  });

  it('sees a change at once: no cached role outlives a transfer or a removal', async () => {
    const tenantId = await tenantWithMembers();
    expect((await lookup(tenantId, 'bob')).role).toBe('admin');
    await callRegistry(harness, 'POST', `/tenants/${tenantId}/transfer-ownership`, { body: { to: 'bob' } });
    expect((await lookup(tenantId, 'bob')).role).toBe('owner');
    expect((await lookup(tenantId, 'alice')).role).toBe('admin');
    await callRegistry(harness, 'DELETE', `/tenants/${tenantId}/members/alice`);
    expect((await lookup(tenantId, 'alice')).role).toBeUndefined();
  });

  it('an erased tenant still exists, DELETED, with no one left in it', async () => {
    const tenantId = await tenantWithMembers();
    await callRegistry(harness, 'DELETE', `/tenants/${tenantId}?erasePii=true`);
    expect(await lookup(tenantId, 'alice')).toEqual({ tenantExists: true, role: undefined, status: 'DELETED' });
  });

  it('throws RegistryMembersUnavailable, never an answer, when it cannot ask', async () => {
    const tenantId = await tenantWithMembers();
    const reader = harness.signers[READER_TOKEN_ISSUER];
    const cases: [string, RegistryMembersLookup, number | undefined][] = [
      ['nothing listening', registryMembers({ registryUrl: 'http://127.0.0.1:9', signer: reader }), undefined],
      // A 404 from a wrong base URL is not "no such tenant".
      ['a wrong base URL', registryMembers({ registryUrl: `${harness.registry.url}/v9`, signer: reader }), 404],
      [
        'a reader key the registry does not trust',
        registryMembers({
          registryUrl: harness.registry.url,
          signer: { ...reader, privateKey: generateKeyPairSync('ed25519').privateKey },
        }),
        401,
      ],
    ];
    for (const [label, broken, status] of cases) {
      const error = await broken(tenantId, 'alice').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect([
        label,
        error instanceof RegistryMembersUnavailable,
        (error as RegistryMembersUnavailable)?.status,
      ]).toEqual([label, true, status]);
    }
  });

  it('takes only the readers’ signer', () => {
    for (const issuer of [TOKEN_ISSUER, ADMIN_TOKEN_ISSUER] as const) {
      expect(() => registryMembers({ registryUrl: harness.registry.url, signer: harness.signers[issuer] })).toThrow(
        /takes the tenant-deletion-readers signer/,
      );
    }
  });
});
