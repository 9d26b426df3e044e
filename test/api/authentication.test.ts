import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import pg from 'pg';
import pino from 'pino';
import { buildApiServer } from '../../client/api/api-server';
import { identityVerifier } from '../../client/authorization/identity-token';
import { deletionApiDocument } from '../../scripts/contract/deletion-api-openapi';
import { hs256Token, signedToken, strangerKey, tampered, unsigned, type TokenIssuerKey } from './api-tokens';

/**
 * The API's front door, in process with the real verifier (jose, a JWKS file) and nothing behind it: every refusal
 * here happens before a route asks the registry, Temporal or the database, which this test does not run (the real
 * stack test, deletion-api.int.test.ts, does). A valid token reaches the route, which refuses the malformed tenant id.
 */

const ISSUER = 'https://issuer.test';
let key: TokenIssuerKey;
let app: Awaited<ReturnType<typeof buildApiServer>>;
let registryAsked = 0;

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  key = { issuer: ISSUER, privateKey, kid };
  const jwks = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-auth-')), 'jwks.json');
  fs.writeFileSync(jwks, JSON.stringify({ keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] }));
  app = await buildApiServer({
    logger: pino({ level: 'silent' }),
    // Never connected: no route here gets that far.
    temporal: new Client(),
    db: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }),
    verifyIdentity: identityVerifier({ issuer: ISSUER, jwksUrl: `file://${jwks}` }),
    tenantStanding: async () => {
      registryAsked += 1;
      throw new Error('the registry is not part of this test');
    },
  });
});
afterAll(() => app?.close());

async function call(authorization: string | undefined, url = '/api/v1/tenants/not%20an%20id', method = 'DELETE') {
  const response = await app.inject({
    method: method as 'DELETE',
    url,
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.statusCode, body: response.json() as { error?: { code: string; message: string } } };
}

describe('the deletion API front door', () => {
  it('lets a valid identity token through to the route', async () => {
    const answer = await call(`Bearer ${await signedToken(key, { subject: 'alice' })}`);
    expect(answer).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_TENANT_ID', message: expect.stringContaining('tenantId must be') } },
    });
  });

  it.each([
    ['no Authorization header', async () => undefined, 'missing bearer token'],
    ['a Basic header', async () => 'Basic YWxpY2U6c2VjcmV0', 'not a bearer JWT'],
    [
      'an expired token',
      async () => `Bearer ${await signedToken(key, { subject: 'alice', expiresIn: -120 })}`,
      'token expired',
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await signedToken(key, { subject: 'alice', audience: 'tenant-registry' })}`,
      'token is not for tenant-deletion-api',
    ],
    [
      'a token from another issuer',
      async () => `Bearer ${await signedToken({ ...key, issuer: 'https://evil.test' }, { subject: 'alice' })}`,
      'not from the trusted issuer',
    ],
    [
      'a tampered token (subject changed after signing)',
      async () => `Bearer ${tampered(await signedToken(key, { subject: 'alice' }), 'root')}`,
      'token signature invalid',
    ],
    [
      'an unsigned token (alg none)',
      async () => `Bearer ${unsigned(await signedToken(key, { subject: 'alice', roles: ['operator'] }))}`,
      'none tokens are refused',
    ],
    ['an HS256 token', async () => `Bearer ${await hs256Token(ISSUER, 'alice')}`, 'HS256 tokens are refused'],
    [
      "a token signed by a key the issuer's JWKS lacks",
      async () => `Bearer ${await signedToken(strangerKey(ISSUER), { subject: 'alice', roles: ['operator'] })}`,
      'token',
    ],
  ])('refuses %s with 401 and the reason, before anything is asked', async (_name, header, reason) => {
    const before = registryAsked;
    const answer = await call(await header());
    expect(answer.status).toBe(401);
    expect(answer.body.error).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringContaining(reason) });
    expect(registryAsked).toBe(before);
  });

  it('asks for a token on every /api route, known or not', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/tenants/t-1/deletion'],
      ['GET', '/api/v1/tenants/t-1/certificate'],
      ['GET', '/api/v1/deletions/r-1'],
      ['POST', '/api/v1/tenants/t-1/deletions'],
      ['POST', '/api/v1/tenants/t-1/deletion/approve'],
      ['GET', '/api/v1/nothing-here'],
    ]) {
      expect([method, url, (await call(undefined, url, method)).status]).toEqual([method, url, 401]);
    }
  });

  it('serves every route its OpenAPI document names', () => {
    const paths = deletionApiDocument().paths as Record<string, Record<string, unknown>>;
    const named = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({
        method: method.toUpperCase(),
        url: path.replace(/\{(\w+)\}/g, ':$1'),
      })),
    );
    expect(named.length).toBe(10);
    for (const route of named)
      expect([route, app.hasRoute(route as Parameters<typeof app.hasRoute>[0])]).toEqual([route, true]);
  });

  it('answers /healthz and /openapi.json without a token; /openapi.json is the generated document', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const openApi = await app.inject({ url: '/openapi.json' });
    expect(openApi.statusCode).toBe(200);
    expect(openApi.json()).toEqual(deletionApiDocument());
  });
});
