import type { KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';

/**
 * Short-lived bearer tokens that the services and the registry accept. They are signed asymmetrically, so what
 * verifies a token (a JWKS) never mints one. Three authorities sign them, each with its own key and issuer, and
 * each may grant only its own scopes: the orchestrator's workers (deleting), the readers (the fleet's write guard,
 * the deletion API and the bridge asking the registry), and the admins (legal holds, members). A key that leaks
 * from one authority grants nothing another authority alone may grant.
 */

export const TOKEN_ISSUER = 'tenant-deletion-orchestrator';
export const READER_TOKEN_ISSUER = 'tenant-deletion-readers';
export const ADMIN_TOKEN_ISSUER = 'tenant-deletion-admin';
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
/** The audience of tokens for the tenant registry (a service type's name is the audience of the others). */
export const REGISTRY_AUDIENCE = 'tenant-registry';
/** HS256 and `none` are not here: a shared secret would let every verifier mint. */
export const SIGNING_ALGORITHMS = ['EdDSA', 'ES256'] as const;

export const scopeSchema = z.enum([
  'tenant-data:preview',
  'tenant-data:delete',
  'legal-hold:admin',
  'kit:faults',
  'registry:suspend',
  'registry:erase',
  'registry:read',
  'registry:members',
]);
export type Scope = z.infer<typeof scopeSchema>;

export const tokenIssuerSchema = z.enum([TOKEN_ISSUER, READER_TOKEN_ISSUER, ADMIN_TOKEN_ISSUER]);
export type TokenIssuer = z.infer<typeof tokenIssuerSchema>;

/** What each authority may grant; a verifier refuses any other scope from it, whatever the token says. */
export const ISSUER_SCOPES: Record<TokenIssuer, readonly Scope[]> = {
  [TOKEN_ISSUER]: ['tenant-data:preview', 'tenant-data:delete', 'registry:suspend', 'registry:erase', 'registry:read'],
  [READER_TOKEN_ISSUER]: ['registry:read'],
  [ADMIN_TOKEN_ISSUER]: ['legal-hold:admin', 'kit:faults', 'registry:members', 'registry:read'],
};

/** The authority that grants a scope when one process needs it (the orchestrator's for the scopes it shares). */
export function issuerGranting(scope: Scope): TokenIssuer {
  return tokenIssuerSchema.options.find((issuer) => ISSUER_SCOPES[issuer].includes(scope))!;
}

/** A private key and the authority it signs for. */
export interface TokenSigner {
  issuer: TokenIssuer;
  privateKey: KeyObject;
  /** The JWK thumbprint of the public key, so verifiers pick the key (rotation by `kid`). */
  keyId: string;
}

export interface TokenClaims {
  /** The service type (or `tenant-registry`) the token is for. */
  audience: string;
  /** Who asks: a requestedBy id or a component name; never PII. */
  subject: string;
  scopes: readonly Scope[];
  lifetimeSeconds?: number;
}

/** The JWS algorithm of a key, refusing keys the verifiers would not accept. */
export function algorithmOf(key: KeyObject): (typeof SIGNING_ALGORITHMS)[number] {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TypeError(`a service token key must be Ed25519 or EC P-256, not ${key.asymmetricKeyType ?? key.type}`);
}

export async function mintServiceToken(signer: TokenSigner, claims: TokenClaims): Promise<string> {
  const lifetime = claims.lifetimeSeconds ?? 60;
  if (lifetime <= 0 || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(`token lifetime must be 1-${MAX_TOKEN_LIFETIME_SECONDS} s, got ${lifetime}`);
  }
  const foreign = claims.scopes.filter((scope) => !ISSUER_SCOPES[signer.issuer].includes(scope));
  if (claims.scopes.length === 0 || foreign.length > 0) {
    throw new RangeError(`${signer.issuer} may not grant ${foreign.join(', ') || 'an empty scope'}`);
  }
  return new SignJWT({ scope: claims.scopes.join(' ') })
    .setProtectedHeader({ alg: algorithmOf(signer.privateKey), kid: signer.keyId, typ: 'JWT' })
    .setIssuer(signer.issuer)
    .setAudience(claims.audience)
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(`${lifetime}s`)
    .sign(signer.privateKey);
}

/** Why a request's token was refused; `status` is the HTTP answer (401 unauthenticated, 403 not for this route). */
export class TokenRejected extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejected';
  }
}

export interface VerifiedToken {
  issuer: TokenIssuer;
  subject: string;
  scopes: Scope[];
  expiresAt: number;
}

/** The public keys of one authority. */
export interface TokenAuthority {
  issuer: TokenIssuer;
  keys: JWTVerifyGetKey;
}

/**
 * Public keys from a JWKS: an http(s) URL is fetched and cached, and fetched again when a token names a `kid` it
 * does not hold (rotation); a file (a path or file:// URL) is read once.
 */
export function jwksFrom(location: string, readFile: (path: string) => string): JWTVerifyGetKey {
  if (/^https?:\/\//.test(location)) {
    return createRemoteJWKSet(new URL(location), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
  }
  const file = location.startsWith('file://') ? new URL(location).pathname : location;
  return createLocalJWKSet(JSON.parse(readFile(file)) as JSONWebKeySet);
}

export type ServiceTokenVerifier = (
  authorization: string | undefined,
  expected: { audience: string; scope: Scope },
) => Promise<VerifiedToken>;

/** Checks an `Authorization` header against the authorities' keys, the audience and the scope; throws TokenRejected. */
export function serviceTokenVerifier(authorities: readonly TokenAuthority[]): ServiceTokenVerifier {
  return async (authorization, { audience, scope }) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? '');
    if (!match) throw new TokenRejected(401, 'missing bearer token');
    const token = match[1];
    let alg: string | undefined;
    let issuer: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      issuer = decodeJwt(token).iss;
    } catch {
      throw new TokenRejected(401, 'token is not a JWT');
    }
    if (!SIGNING_ALGORITHMS.includes(alg as (typeof SIGNING_ALGORITHMS)[number])) {
      throw new TokenRejected(401, `${alg ?? 'unsigned'} tokens are refused: service tokens are EdDSA or ES256`);
    }
    const authority = authorities.find((candidate) => candidate.issuer === issuer);
    if (!authority) throw new TokenRejected(401, `token issuer ${JSON.stringify(issuer)} is not trusted here`);
    try {
      const { payload } = await jwtVerify(token, authority.keys, {
        issuer: authority.issuer,
        algorithms: [...SIGNING_ALGORITHMS],
        requiredClaims: ['exp', 'iat', 'aud', 'sub', 'scope'],
      });
      if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_SECONDS) {
        throw new TokenRejected(401, `token lifetime exceeds ${MAX_TOKEN_LIFETIME_SECONDS} s`);
      }
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.includes(audience)) throw new TokenRejected(403, `token is not for ${audience}`);
      const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (!granted.includes(scope)) throw new TokenRejected(403, `token lacks scope ${scope}`);
      if (!ISSUER_SCOPES[authority.issuer].includes(scope)) {
        throw new TokenRejected(403, `${authority.issuer} may not grant ${scope}`);
      }
      const scopes = granted.filter((name): name is Scope => scopeSchema.safeParse(name).success);
      return { issuer: authority.issuer, subject: payload.sub!, scopes, expiresAt: payload.exp! };
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenRejected(401, 'token expired');
      if (error instanceof errors.JWTClaimValidationFailed) {
        throw new TokenRejected(401, `token claim ${error.claim} invalid`);
      }
      if (error instanceof errors.JWKSNoMatchingKey) throw new TokenRejected(401, 'token signed by an unknown key');
      // The keys could not be read (a JWKS endpoint down): not the caller's fault, so not a 401.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) throw error;
      throw new TokenRejected(401, 'token signature invalid');
    }
  };
}
