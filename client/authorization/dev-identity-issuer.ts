import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import { writeSecretFileOnce } from '../../common/local-secret-file';
import { stackPaths } from '../../common/stack-paths';
import { IDENTITY_AUDIENCE } from './identity-token';
import type { IdentityRole } from './requester';

/**
 * The local stack's development identity issuer: its Ed25519 key (made once by `npm run stack:up`, outside the
 * repository) and the tokens it signs for `tdel dev-token`, the demo, the bench and the tests. Production uses a
 * real OIDC provider (AUTH_ISSUER); nothing here is used there.
 */

export const IDENTITY_ISSUER_PORT = 8091;
export const LOCAL_IDENTITY_ISSUER = `http://localhost:${IDENTITY_ISSUER_PORT}`;
export const LOCAL_IDENTITY_JWKS_URL = `${LOCAL_IDENTITY_ISSUER}/.well-known/jwks.json`;
export const DEFAULT_IDENTITY_TTL_SECONDS = 3600;

export interface DevIdentityIssuer {
  issuer: string;
  privateKey: KeyObject;
  /** The public key as served in the JWKS, `kid` = its thumbprint. */
  publicJwk: JWK;
}

export class MissingIdentityIssuerKey extends Error {
  constructor(file: string) {
    super(
      `no local identity issuer key at ${file}: run \`npm run stack:up\` to create it ` +
        '(dev tokens exist on the local stack only; elsewhere tokens come from your OIDC provider)',
    );
    this.name = 'MissingIdentityIssuerKey';
  }
}

export function identityIssuerKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).stateDir, 'secrets', 'identity-issuer-key.pem');
}

/** Creates the issuer's key once; an existing key is kept, so tokens already printed stay valid. */
export function ensureIdentityIssuerKey(env: NodeJS.ProcessEnv = process.env): string {
  const file = identityIssuerKeyFile(env);
  writeSecretFileOnce(file, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

/** The issuer from its key file; refuses (MissingIdentityIssuerKey) rather than make a key nobody else trusts. */
export async function loadDevIdentityIssuer(env: NodeJS.ProcessEnv = process.env): Promise<DevIdentityIssuer> {
  const file = identityIssuerKeyFile(env);
  if (!fs.existsSync(file)) throw new MissingIdentityIssuerKey(file);
  const privateKey = createPrivateKey(fs.readFileSync(file));
  const jwk = await exportJWK(createPublicKey(privateKey));
  const publicJwk: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'EdDSA', use: 'sig' };
  return { issuer: LOCAL_IDENTITY_ISSUER, privateKey, publicJwk };
}

export interface IdentityTokenClaims {
  subject: string;
  roles?: readonly IdentityRole[];
  ttlSeconds?: number;
  audience?: string;
}

/** A token as an OIDC provider would issue it: `sub`, `roles` when any, `aud`, `iat`, `exp`. */
export async function mintIdentityToken(issuer: DevIdentityIssuer, claims: IdentityTokenClaims): Promise<string> {
  const ttl = claims.ttlSeconds ?? DEFAULT_IDENTITY_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new RangeError(`token ttl must be a whole number of seconds > 0, got ${ttl}`);
  return new SignJWT(claims.roles && claims.roles.length > 0 ? { roles: [...claims.roles] } : {})
    .setProtectedHeader({ alg: 'EdDSA', kid: issuer.publicJwk.kid, typ: 'JWT' })
    .setIssuer(issuer.issuer)
    .setSubject(claims.subject)
    .setAudience(claims.audience ?? IDENTITY_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(issuer.privateKey);
}
