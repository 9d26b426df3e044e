import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { IDENTITY_AUDIENCE } from '../../client/authorization/identity-token';

/**
 * Identity tokens a client might send the deletion API: valid ones from an issuer's key, and each way a token can be
 * wrong (expired, for another audience, tampered, unsigned, HS256, signed by a stranger).
 */

export interface TokenIssuerKey {
  issuer: string;
  privateKey: KeyObject;
  kid?: string;
}

export interface TokenClaims {
  subject: string;
  roles?: string[];
  audience?: string;
  /** Seconds from now; negative: already expired. */
  expiresIn?: number;
}

export async function signedToken(key: TokenIssuerKey, claims: TokenClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = claims.expiresIn ?? 600;
  return new SignJWT(claims.roles ? { roles: claims.roles } : {})
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuer(key.issuer)
    .setSubject(claims.subject)
    .setAudience(claims.audience ?? IDENTITY_AUDIENCE)
    .setIssuedAt(expiresIn < 0 ? now + expiresIn - 60 : now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The same claims as a valid token, the subject changed after signing. */
export function tampered(token: string, subject: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  return [header, base64url({ ...claims, sub: subject }), signature].join('.');
}

/** `alg: none`: the claims of a valid token, no signature. */
export function unsigned(token: string): string {
  const payload = token.split('.')[1];
  return [base64url({ alg: 'none', typ: 'JWT' }), payload, ''].join('.');
}

/** HS256 with a secret anyone could choose: a verifier's shared secret would mint tokens. */
export async function hs256Token(issuer: string, subject: string, roles: string[] = ['operator']): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience(IDENTITY_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(createSecretKey(Buffer.alloc(32, 7)));
}

/** A key nobody trusts, claiming to be the issuer. */
export function strangerKey(issuer: string): TokenIssuerKey {
  return { issuer, privateKey: generateKeyPairSync('ed25519').privateKey };
}
