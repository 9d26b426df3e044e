import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import {
  IDENTITY_AUDIENCE,
  IdentityIssuerUnavailable,
  IdentityRejected,
  identityVerifier,
  type IdentityVerifier,
} from '../../client/authorization/identity-token';

/** Keys made here, served as a JWKS file: the verifier reads them as it reads any issuer's. */

const ISSUER = 'https://id.example.test';
type Alg = 'EdDSA' | 'ES256' | 'RS256' | 'PS256';
interface TestKey {
  alg: Alg;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function testKey(alg: Alg): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk: { ...jwk, alg, kid: await calculateJwkThumbprint(jwk), use: 'sig' } };
}

let keys: Record<Alg, TestKey>;
let stranger: TestKey;
let verify: IdentityVerifier;
let dir: string;

beforeAll(async () => {
  keys = {
    EdDSA: await testKey('EdDSA'),
    ES256: await testKey('ES256'),
    RS256: await testKey('RS256'),
    PS256: await testKey('PS256'),
  };
  stranger = await testKey('EdDSA');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-token-'));
  const file = path.join(dir, 'jwks.json');
  fs.writeFileSync(file, JSON.stringify({ keys: Object.values(keys).map((key) => key.jwk) }));
  verify = identityVerifier({ issuer: ISSUER, jwksUrl: `file://${file}` });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Claims {
  sub?: string;
  roles?: unknown;
  iss?: string;
  aud?: string;
  /** Seconds from now; negative is in the past. */
  expiresIn?: number;
}

function sign(key: TestKey, claims: Claims = {}, kid = key.jwk.kid): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims.roles === undefined ? {} : { roles: claims.roles })
    .setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? IDENTITY_AUDIENCE)
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (claims.expiresIn ?? 600));
  if (claims.sub !== null) jwt.setSubject(claims.sub ?? 'alice');
  return jwt.sign(key.privateKey);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejection(input: string | undefined): Promise<string> {
  const error = await verify(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdentityRejected);
  return (error as IdentityRejected).reason;
}

describe('identityVerifier', () => {
  it.each(['EdDSA', 'ES256', 'RS256', 'PS256'] as const)(
    'accepts a valid %s token, as a header or bare',
    async (alg) => {
      const token = await sign(keys[alg], { roles: ['operator'] });
      expect(await verify(`Bearer ${token}`)).toEqual({ subject: 'alice', roles: ['operator'] });
      expect(await verify(token)).toEqual({ subject: 'alice', roles: ['operator'] });
    },
  );

  it('keeps only the roles it knows, once each', async () => {
    const token = await sign(keys.EdDSA, { roles: ['deletion-requester', 'superuser', 'deletion-requester', 7] });
    expect((await verify(token)).roles).toEqual(['deletion-requester']);
    expect((await verify(await sign(keys.EdDSA))).roles).toEqual([]);
  });

  it('refuses a roles claim that is not an array', async () => {
    expect(await rejection(await sign(keys.EdDSA, { roles: 'operator' }))).toMatch(/roles must be an array/);
  });

  it('refuses a missing or non-JWT authorization', async () => {
    expect(await rejection(undefined)).toBe('missing bearer token');
    expect(await rejection('')).toBe('missing bearer token');
    expect(await rejection('Basic dXNlcjpwYXNz')).toMatch(/not a bearer JWT/);
    expect(await rejection('Bearer not.a.jwt')).toMatch(/not a JWT/);
  });

  it('refuses an expired token', async () => {
    expect(await rejection(await sign(keys.EdDSA, { expiresIn: -120 }))).toBe('token expired');
  });

  it('tolerates a few seconds of clock skew', async () => {
    expect(await verify(await sign(keys.EdDSA, { expiresIn: -5 }))).toMatchObject({ subject: 'alice' });
  });

  it('refuses a token for another audience', async () => {
    expect(await rejection(await sign(keys.EdDSA, { aud: 'tenant-registry' }))).toBe(
      `token is not for ${IDENTITY_AUDIENCE}`,
    );
  });

  it('refuses a token from another issuer, even signed with a trusted key', async () => {
    expect(await rejection(await sign(keys.EdDSA, { iss: 'https://evil.example.test' }))).toBe(
      'token is not from the trusted issuer',
    );
  });

  it('refuses a token with a tampered payload', async () => {
    const [header, , signature] = (await sign(keys.EdDSA)).split('.');
    const now = Math.floor(Date.now() / 1000);
    const forged = base64url({
      iss: ISSUER,
      aud: IDENTITY_AUDIENCE,
      sub: 'alice',
      roles: ['operator'],
      exp: now + 600,
    });
    expect(await rejection(`${header}.${forged}.${signature}`)).toBe('token signature invalid');
  });

  it("refuses a token signed by a key not in the issuer's JWKS", async () => {
    expect(await rejection(await sign(stranger))).toBe('token signed by an unknown key');
    // The same kid as a trusted key does not help: the signature is checked against that key.
    expect(await rejection(await sign(stranger, {}, keys.EdDSA.jwk.kid))).toBe('token signature invalid');
  });

  it('refuses alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url({
      iss: ISSUER,
      aud: IDENTITY_AUDIENCE,
      sub: 'alice',
      roles: ['operator'],
      exp: now + 600,
    });
    expect(await rejection(`${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`)).toMatch(
      /^none tokens are refused/,
    );
  });

  it('refuses HS256, even with a public key as the secret', async () => {
    // The classic confusion attack: the issuer's public key, which anyone has, as an HMAC secret.
    const secret = new TextEncoder().encode(JSON.stringify(keys.EdDSA.jwk));
    const token = await new SignJWT({ roles: ['operator'] })
      .setProtectedHeader({ alg: 'HS256', kid: keys.EdDSA.jwk.kid })
      .setIssuer(ISSUER)
      .setAudience(IDENTITY_AUDIENCE)
      .setSubject('alice')
      .setExpirationTime('10m')
      .sign(secret);
    expect(await rejection(token)).toMatch(/^HS256 tokens are refused/);
  });

  it('refuses a token whose kid names a key of another algorithm', async () => {
    expect(await rejection(await sign(keys.ES256, {}, keys.RS256.jwk.kid))).toBe('token signed by an unknown key');
  });

  it('refuses a token without a subject, or one that cannot be a requestedBy', async () => {
    expect(await rejection(await sign(keys.EdDSA, { sub: null as unknown as string }))).toMatch(/claim sub/);
    expect(await rejection(await sign(keys.EdDSA, { sub: 'auth0|alice' }))).toMatch(/subject must be 1-64 characters/);
  });

  it('says the issuer is unavailable, not that the token is bad, when its JWKS cannot be fetched', async () => {
    const unreachable = identityVerifier({ issuer: ISSUER, jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' });
    await expect(unreachable(await sign(keys.EdDSA))).rejects.toBeInstanceOf(IdentityIssuerUnavailable);
  });

  it('never quotes the token in a refusal', async () => {
    const token = await sign(keys.EdDSA, { aud: 'elsewhere' });
    expect(await rejection(token)).not.toContain(token.split('.')[1]);
  });
});
