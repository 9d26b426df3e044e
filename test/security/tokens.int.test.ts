/**
 * Service tokens against a kit service in this process, on the local stack's PostgreSQL, verifying with the local
 * stack's JWKS files and signed with its keys (`npm run stack:up` makes them; made here when missing): a token for
 * one scope opens no other route; a deleting token cannot lift a hold; an attacker holding every public key, and even
 * the readers' and admins' private keys, cannot mint a token that deletes; expired, wrong-audience, tampered,
 * unsigned and HS256 tokens are refused. Every refused DELETE is shown to delete nothing by counting rows in SQL.
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { exportJWK, SignJWT, UnsecuredJWT, type JSONWebKeySet } from 'jose';
import pino from 'pino';
import {
  ADMIN_TOKEN_ISSUER,
  mintServiceToken,
  READER_TOKEN_ISSUER,
  scopeSchema,
  serviceTokenVerifier,
  TOKEN_ISSUER,
  tokenIssuerSchema,
  type Scope,
  type TokenIssuer,
  type TokenSigner,
} from '@tenant-deletion/contract/service-token';
import {
  ensureLocalTokenKeys,
  loadTokenSigner,
  localJwksFile,
  tokenAuthorities,
} from '../../common/service-token-keys';
import { startDeletableService, type RunningDeletableService } from '../../services/kit/deletable-service';
import { FaultInjector } from '../../services/kit/faults';
import { BAKERY_DEFINITION, BAKERY_SCHEMA, expectedCounts, seedTenant } from '../kit/bakery-schema';
import { createTestDatabase, type TestDatabase } from '../kit/kit-test-db';

const AUDIENCE = BAKERY_DEFINITION.serviceType;
const SHAPE = { customers: 2, ordersPerCustomer: 2, itemsPerOrder: 2 };

let db: TestDatabase;
let service: RunningDeletableService;
let signers: Record<TokenIssuer, TokenSigner>;
/** What every verifier may read: the public keys, as published. */
let publicKeys: Record<TokenIssuer, JSONWebKeySet>;

beforeAll(async () => {
  await ensureLocalTokenKeys();
  const loaded = await Promise.all(tokenIssuerSchema.options.map((issuer) => loadTokenSigner(issuer)));
  signers = Object.fromEntries(loaded.map((signer) => [signer.issuer, signer])) as typeof signers;
  publicKeys = Object.fromEntries(
    tokenIssuerSchema.options.map((issuer) => [issuer, JSON.parse(fs.readFileSync(localJwksFile(issuer), 'utf8'))]),
  ) as typeof publicKeys;
  db = await createTestDatabase(BAKERY_SCHEMA);
  service = await startDeletableService({
    definition: { ...BAKERY_DEFINITION, files: [] },
    databaseUrl: db.url,
    port: 0,
    // The most trusting configuration: every authority's keys. Each may still grant only its own scopes.
    tokens: serviceTokenVerifier(tokenAuthorities(tokenIssuerSchema.options)),
    faults: new FaultInjector(),
    logger: pino({ level: 'silent' }),
  });
}, 60_000);

afterAll(async () => {
  await service?.close();
  await db?.drop();
});

function mint(scope: Scope, claims: { audience?: string; subject?: string } = {}): Promise<string> {
  const issuer = tokenIssuerSchema.options.find((candidate) => signers[candidate] && grants(candidate, scope))!;
  return mintServiceToken(signers[issuer], {
    audience: claims.audience ?? AUDIENCE,
    subject: claims.subject ?? 'security-test',
    scopes: [scope],
  });
}

/** Admin scopes from the admins, the rest from the orchestrator (registry:read too), as the real callers mint them. */
function grants(issuer: TokenIssuer, scope: Scope): boolean {
  const admin = ['legal-hold:admin', 'kit:faults', 'registry:members'].includes(scope);
  return admin ? issuer === ADMIN_TOKEN_ISSUER : issuer === TOKEN_ISSUER;
}

async function call(
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const tenantUrl = (tenantId: string) => `${service.baseUrl}/tenant/${tenantId}`;
const holdUrl = (tenantId: string) => `${service.baseUrl}/admin/legal-holds/${tenantId}`;

async function seeded(label: string): Promise<string> {
  const tenantId = `${label}-${randomUUID().slice(0, 8)}`;
  await seedTenant(db.pool, tenantId, SHAPE);
  return tenantId;
}

describe('scopes', () => {
  it('refuses a token for one scope on every route that needs another (403), deleting nothing', async () => {
    const tenantId = await seeded('scopes');
    const before = await expectedCounts(db.pool, tenantId);
    const routes: { method: string; url: string; scope: Scope; body?: unknown }[] = [
      { method: 'GET', url: `${tenantUrl(tenantId)}/deletion-preview`, scope: 'tenant-data:preview' },
      { method: 'DELETE', url: tenantUrl(tenantId), scope: 'tenant-data:delete' },
      { method: 'GET', url: `${service.baseUrl}/deletions/${randomUUID()}`, scope: 'tenant-data:delete' },
      { method: 'GET', url: holdUrl(tenantId), scope: 'legal-hold:admin' },
      { method: 'PUT', url: holdUrl(tenantId), scope: 'legal-hold:admin', body: { reason: 'scope test' } },
      { method: 'DELETE', url: holdUrl(tenantId), scope: 'legal-hold:admin' },
      { method: 'GET', url: `${service.baseUrl}/admin/faults`, scope: 'kit:faults' },
      { method: 'PUT', url: `${service.baseUrl}/admin/faults`, scope: 'kit:faults', body: { errorRate: 1 } },
      { method: 'GET', url: `${service.baseUrl}/admin/request-counts`, scope: 'kit:faults' },
    ];
    const seen: string[] = [];
    for (const route of routes) {
      for (const scope of scopeSchema.options.filter((other) => other !== route.scope)) {
        const answer = await call(route.method, route.url, await mint(scope), route.body);
        seen.push(`${route.method} ${route.url} ${scope}: ${answer.status} ${answer.body.error?.code}`);
        expect([route.method, route.url, scope, answer.status, answer.body.error?.code]).toEqual([
          route.method,
          route.url,
          scope,
          403,
          'FORBIDDEN',
        ]);
      }
    }
    expect(seen).toHaveLength(routes.length * (scopeSchema.options.length - 1));
    expect(await expectedCounts(db.pool, tenantId)).toEqual(before);
    // Nothing was changed by the refused PUTs: no hold, no fault knob.
    expect((await call('GET', holdUrl(tenantId), await mint('legal-hold:admin'))).body.held).toBe(false);
    expect((await call('GET', `${service.baseUrl}/admin/faults`, await mint('kit:faults'))).body.errorRate).toBe(0);
    // Each route opens to its own scope.
    expect(
      (await call('GET', `${tenantUrl(tenantId)}/deletion-preview`, await mint('tenant-data:preview'))).status,
    ).toBe(200);
  });

  it('refuses to lift a hold with a deleting token (403); the hold stays and so do the rows', async () => {
    const tenantId = await seeded('hold');
    const placed = await call('PUT', holdUrl(tenantId), await mint('legal-hold:admin', { subject: 'counsel-1' }), {
      reason: 'litigation',
    });
    expect(placed.body).toMatchObject({ held: true, placed_by: 'counsel-1' });

    const lift = await call('DELETE', holdUrl(tenantId), await mint('tenant-data:delete'));
    expect([lift.status, lift.body.error?.code, lift.body.error?.message]).toEqual([
      403,
      'FORBIDDEN',
      'token lacks scope legal-hold:admin',
    ]);
    const before = await expectedCounts(db.pool, tenantId);
    const deletion = await call('DELETE', tenantUrl(tenantId), await mint('tenant-data:delete'));
    expect(deletion.status).toBe(409);
    expect(deletion.body.error).toMatchObject({ code: 'LEGAL_HOLD', held_by: 'counsel-1' });
    expect(await expectedCounts(db.pool, tenantId)).toEqual(before);

    const lifted = await call('DELETE', holdUrl(tenantId), await mint('legal-hold:admin', { subject: 'counsel-2' }));
    expect(lifted.body).toMatchObject({ lifted: true, lifted_by: 'counsel-2' });
  });
});

describe('an attacker with every public key and the readers’ and admins’ private keys', () => {
  let tenantId: string;
  let before: Record<string, number>;
  beforeAll(async () => {
    tenantId = await seeded('attack');
    before = await expectedCounts(db.pool, tenantId);
  });

  const deleteClaims = (issuer: string, scope = 'tenant-data:delete') =>
    new SignJWT({ scope })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('attacker')
      .setIssuedAt()
      .setExpirationTime('60s');
  const orchestratorKid = () => publicKeys[TOKEN_ISSUER].keys[0].kid!;

  const attempts: [string, () => Promise<string>, 401 | 403][] = [
    [
      'the readers’ key granting tenant-data:delete',
      () =>
        deleteClaims(READER_TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'EdDSA', kid: signers[READER_TOKEN_ISSUER].keyId })
          .sign(signers[READER_TOKEN_ISSUER].privateKey),
      403,
    ],
    [
      'the admins’ key granting tenant-data:delete',
      () =>
        deleteClaims(ADMIN_TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'EdDSA', kid: signers[ADMIN_TOKEN_ISSUER].keyId })
          .sign(signers[ADMIN_TOKEN_ISSUER].privateKey),
      403,
    ],
    [
      'the readers’ key adding tenant-data:delete to registry:read',
      () =>
        deleteClaims(READER_TOKEN_ISSUER, 'registry:read tenant-data:delete')
          .setProtectedHeader({ alg: 'EdDSA', kid: signers[READER_TOKEN_ISSUER].keyId })
          .sign(signers[READER_TOKEN_ISSUER].privateKey),
      403,
    ],
    [
      'the admins’ key claiming to be the orchestrator, with its key id',
      () =>
        deleteClaims(TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'EdDSA', kid: orchestratorKid() })
          .sign(signers[ADMIN_TOKEN_ISSUER].privateKey),
      401,
    ],
    [
      'the admins’ key claiming to be the orchestrator, with its own key id',
      () =>
        deleteClaims(TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'EdDSA', kid: signers[ADMIN_TOKEN_ISSUER].keyId })
          .sign(signers[ADMIN_TOKEN_ISSUER].privateKey),
      401,
    ],
    [
      'HS256 keyed with the orchestrator’s published public key',
      () =>
        deleteClaims(TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'HS256', kid: orchestratorKid() })
          .sign(new TextEncoder().encode(publicKeys[TOKEN_ISSUER].keys[0].x!)),
      401,
    ],
    [
      'HS256 keyed with the whole published JWKS',
      () =>
        deleteClaims(TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(JSON.stringify(publicKeys[TOKEN_ISSUER]))),
      401,
    ],
    [
      'an unsigned token (alg none)',
      async () =>
        new UnsecuredJWT({ scope: 'tenant-data:delete' })
          .setIssuer(TOKEN_ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('attacker')
          .setIssuedAt()
          .setExpirationTime('60s')
          .encode(),
      401,
    ],
    [
      'its own key embedded in the header (jwk) as the orchestrator',
      async () => {
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        return deleteClaims(TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'EdDSA', jwk: await exportJWK(publicKey) })
          .sign(privateKey);
      },
      401,
    ],
    [
      'its own key at a URL of its choosing (jku) as the orchestrator',
      async () => {
        const { privateKey } = generateKeyPairSync('ed25519');
        return deleteClaims(TOKEN_ISSUER)
          .setProtectedHeader({ alg: 'EdDSA', kid: orchestratorKid(), jku: 'http://127.0.0.1:1/jwks.json' })
          .sign(privateKey);
      },
      401,
    ],
  ];

  it.each(attempts)('cannot delete with %s', async (_name, forge, status) => {
    const answer = await call('DELETE', tenantUrl(tenantId), await forge());
    expect([answer.status, answer.body.error?.code]).toEqual([
      status,
      status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
    ]);
    expect(await expectedCounts(db.pool, tenantId)).toEqual(before);
  });

  it('is refused by mintServiceToken too, and holds no key that verifies as the orchestrator’s', async () => {
    await expect(
      mintServiceToken(signers[READER_TOKEN_ISSUER], {
        audience: AUDIENCE,
        subject: 'attacker',
        scopes: ['tenant-data:delete'],
      }),
    ).rejects.toThrow(/may not grant tenant-data:delete/);
    const published = publicKeys[TOKEN_ISSUER].keys.map((key) => key.x);
    for (const issuer of [READER_TOKEN_ISSUER, ADMIN_TOKEN_ISSUER] as const) {
      const own = createPublicKey(signers[issuer].privateKey).export({ format: 'jwk' }).x;
      expect(published).not.toContain(own);
    }
  });
});

describe('refused tokens', () => {
  let tenantId: string;
  let before: Record<string, number>;
  beforeAll(async () => {
    tenantId = await seeded('refused');
    before = await expectedCounts(db.pool, tenantId);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const orchestrator = (build: (jwt: SignJWT) => SignJWT) =>
    build(
      new SignJWT({ scope: 'tenant-data:delete' })
        .setProtectedHeader({ alg: 'EdDSA', kid: signers[TOKEN_ISSUER].keyId })
        .setIssuer(TOKEN_ISSUER)
        .setSubject('security-test')
        .setIssuedAt(),
    ).sign(signers[TOKEN_ISSUER].privateKey);
  /** A part of a valid token replaced: the signature no longer covers what is sent. */
  const tampered = async (part: 1 | 2, replace: (text: string) => string) => {
    const parts = (await mint('tenant-data:preview')).split('.');
    parts[part] = replace(parts[part]);
    return parts.join('.');
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  const cases: [string, () => Promise<string | null>, 401 | 403][] = [
    ['no token', async () => null, 401],
    [
      'an expired token',
      () =>
        orchestrator((jwt) =>
          jwt
            .setAudience(AUDIENCE)
            .setIssuedAt(now() - 120)
            .setExpirationTime(now() - 60),
        ),
      401,
    ],
    ['a token for another audience', () => mint('tenant-data:delete', { audience: 'orders' }), 403],
    [
      'a token living longer than 5 minutes',
      () => orchestrator((jwt) => jwt.setAudience(AUDIENCE).setExpirationTime('10m')),
      401,
    ],
    [
      'a preview token whose payload was changed to tenant-data:delete',
      () =>
        tampered(1, (payload) => {
          const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
          return b64({ ...claims, scope: 'tenant-data:delete' });
        }),
      401,
    ],
    [
      'a token with a tampered signature',
      () => tampered(2, (signature) => `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`),
      401,
    ],
    [
      'a valid token re-headed alg none',
      async () => {
        const [, payload] = (await mint('tenant-data:delete')).split('.');
        return `${b64({ alg: 'none' })}.${payload}.`;
      },
      401,
    ],
    [
      'an HS256 token',
      () =>
        new SignJWT({ scope: 'tenant-data:delete' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(TOKEN_ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('security-test')
          .setIssuedAt()
          .setExpirationTime('60s')
          .sign(new TextEncoder().encode('a shared secret of the old kind, long enough')),
      401,
    ],
  ];

  it.each(cases)('refuses %s and deletes nothing', async (_name, makeToken, status) => {
    const answer = await call('DELETE', tenantUrl(tenantId), await makeToken());
    expect([answer.status, answer.body.error?.code]).toEqual([
      status,
      status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
    ]);
    expect(answer.body.error?.message).toBeTruthy();
    expect(await expectedCounts(db.pool, tenantId)).toEqual(before);
  });

  it('deletes with the orchestrator’s own delete token (the control: the refusals above are not an outage)', async () => {
    const answer = await call('DELETE', tenantUrl(tenantId), await mint('tenant-data:delete'));
    expect(answer.status).toBe(200);
    expect(Object.values(await expectedCounts(db.pool, tenantId)).every((n) => n === 0)).toBe(true);
  });
});
