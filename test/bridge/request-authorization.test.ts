import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { TOPICS, type TenantRole } from '@tenant-deletion/contract';
import { identityVerifier, type IdentityVerifier } from '../../client/authorization/identity-token';
import type { TenantStanding } from '../../client/authorization/registry-members';
import { authenticate, authorize, sharedLookups } from '../../client/bridge/request-authorization';
import { parseRequest, type Parsed } from '../../client/bridge/request-messages';

/**
 * Authentication with the real verifier and real signatures (a key made here, its JWKS in a file); authorization
 * against a registry answer given by the test (the real registry is test/bridge/signed-requests.int.test.ts's).
 */

const ISSUER = 'https://issuer.test';
const trusted = generateKeyPairSync('ed25519').privateKey;
const stranger = generateKeyPairSync('ed25519').privateKey;
let verify: IdentityVerifier;
let trustedKid: string;

beforeAll(async () => {
  const jwk = await exportJWK(trusted);
  const { d: _private, ...publicJwk } = jwk;
  trustedKid = await calculateJwkThumbprint(publicJwk);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-auth-'));
  const jwks = path.join(dir, 'jwks.json');
  fs.writeFileSync(jwks, JSON.stringify({ keys: [{ ...publicJwk, kid: trustedKid, alg: 'EdDSA', use: 'sig' }] }));
  verify = identityVerifier({ issuer: ISSUER, jwksUrl: jwks, audience: 'tenant-deletion-api' });
});

interface Claims {
  sub?: string;
  roles?: string[];
  aud?: string;
  exp?: string | number;
  key?: KeyObject;
}

async function token({ sub = 'user-1', roles, aud = 'tenant-deletion-api', exp = '1h', key = trusted }: Claims = {}) {
  const jwt = new SignJWT(roles ? { roles } : {})
    .setProtectedHeader({ alg: 'EdDSA', kid: trustedKid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime(exp);
  return (sub ? jwt.setSubject(sub) : jwt).sign(key);
}

function message(authorization: string, requestedBy = 'someone-else'): Parsed {
  const value = {
    traceId: 't-1',
    key: 'tenant-1',
    authorization,
    payload: { tenantId: 'tenant-1', requestedBy, timestamp: new Date().toISOString(), gdprMode: false },
  };
  return parseRequest(TOPICS.tenantDeletionRequest, 'tenant-1', Buffer.from(JSON.stringify(value)), 65_536);
}

/** The registry's answer for tenant-1, and the calls it got. */
function registry(roles: Record<string, TenantRole>, tenantExists = true) {
  const calls: string[] = [];
  const members = async (tenantId: string, subject: string): Promise<TenantStanding> => {
    calls.push(`${tenantId}/${subject}`);
    return tenantExists ? { tenantExists, role: roles[subject] } : { tenantExists };
  };
  return { calls, members };
}

describe('authenticate', () => {
  it("makes the token's subject the requester, whatever the payload claimed, and drops the token", async () => {
    const authenticated = await authenticate(message(await token({ sub: 'owner-7' })), verify);
    expect(authenticated).toMatchObject({
      ok: true,
      request: { requestedBy: 'owner-7', requestId: 't-1:tenant-1' },
      requester: { subject: 'owner-7', roles: [] },
      claimedBy: 'someone-else',
    });
    expect(authenticated).not.toHaveProperty('authorization');
  });

  it.each<[string, Claims, RegExp]>([
    ['signed by another key', { key: stranger }, /signature invalid/],
    ['expired', { exp: Math.floor(Date.now() / 1000) - 120 }, /expired/],
    ['for another audience', { aud: 'tenant-registry' }, /not for tenant-deletion-api/],
    ['without a subject', { sub: '' }, /sub/],
    ['with a subject that is no id', { sub: 'jane@example.com' }, /subject must be/],
  ])('refuses a token %s as UNAUTHENTICATED, saying why', async (_what, claims, why) => {
    const authenticated = await authenticate(message(await token(claims)), verify);
    expect(authenticated).toMatchObject({ ok: false, code: 'UNAUTHENTICATED', issues: [] });
    expect(!authenticated.ok && authenticated.message).toMatch(why);
    expect(!authenticated.ok && authenticated.message).toMatch(/^request t-1:tenant-1 of tenant tenant-1: /);
  });

  it('refuses alg none as UNAUTHENTICATED', async () => {
    const real = (await token({ roles: ['operator'] })).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const authenticated = await authenticate(message(`${header}.${real[1]}.`), verify);
    expect(authenticated).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });

  it('passes a refusal of the parser through untouched', async () => {
    const refused: Parsed = { ok: false, code: 'INVALID_JSON', message: 'not JSON', issues: [] };
    expect(await authenticate(refused, verify)).toBe(refused);
  });
});

describe('authorize', () => {
  it.each<[string, string[], string]>([
    ['an operator', ['operator'], 'operator'],
    ['a requesting system', ['deletion-requester'], 'deletion-requester'],
  ])('lets %s request any tenant without asking the registry', async (_who, roles, basis) => {
    const { calls, members } = registry({});
    const authenticated = await authenticate(message(await token({ sub: 'sys-1', roles })), verify);
    expect(await authorize(authenticated, members)).toMatchObject({ ok: true, basis });
    expect(calls).toEqual([]);
  });

  it.each<[TenantRole]>([['owner'], ['admin']])("lets the tenant's %s request it", async (role) => {
    const { calls, members } = registry({ 'user-1': role });
    const authenticated = await authenticate(message(await token()), verify);
    expect(await authorize(authenticated, members)).toMatchObject({
      ok: true,
      basis: role,
      request: { requestedBy: 'user-1' },
    });
    expect(calls).toEqual(['tenant-1/user-1']);
  });

  it.each<[string, Record<string, TenantRole>, boolean, RegExp]>([
    ['a member', { 'user-1': 'member' }, true, /is a member of the tenant, not its owner or admin/],
    ["another tenant's admin", {}, true, /is not a member of the tenant/],
    ['anyone, for a tenant the registry does not know', {}, false, /registry does not know this tenant/],
  ])('refuses %s as FORBIDDEN, naming the subject', async (_who, roles, exists, why) => {
    const { members } = registry(roles, exists);
    const authorized = await authorize(await authenticate(message(await token()), verify), members);
    expect(authorized).toMatchObject({ ok: false, code: 'FORBIDDEN', issues: [] });
    expect(!authorized.ok && authorized.message).toMatch(/subject user-1 /);
    expect(!authorized.ok && authorized.message).toMatch(why);
  });

  it('lets an error of the registry through, for the bridge to wait and retry instead of refusing', async () => {
    const down = async (): Promise<TenantStanding> => {
      throw new Error('connect ECONNREFUSED');
    };
    await expect(authorize(await authenticate(message(await token()), verify), down)).rejects.toThrow('ECONNREFUSED');
  });
});

describe('sharedLookups', () => {
  it('asks once per tenant and subject, and asks again after a failure', async () => {
    let calls = 0;
    let fail = true;
    const lookup = sharedLookups(async () => {
      calls++;
      if (fail) throw new Error('down');
      return { tenantExists: true, role: 'owner' };
    });
    await expect(lookup('tenant-1', 'user-1')).rejects.toThrow('down');
    fail = false;
    await Promise.all([lookup('tenant-1', 'user-1'), lookup('tenant-1', 'user-1'), lookup('tenant-2', 'user-1')]);
    expect(calls).toBe(3);
  });
});
