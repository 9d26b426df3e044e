import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Short-lived bearer tokens between the orchestrator and the services it drives. Each token names
 * one service type as its audience, so a token stolen from one service opens no other.
 */

export const TOKEN_ISSUER = 'tenant-deletion-orchestrator';
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
/** The audience of tokens for the tenant registry (a service type's name is the audience of the others). */
export const REGISTRY_AUDIENCE = 'tenant-registry';
const ALGORITHM = 'HS256';

export interface TokenClaims {
  /** The service type (or `tenant-registry`) the token is for. */
  audience: string;
  /** Who asks: the requestedBy id or a component name; never PII. */
  subject: string;
  lifetimeSeconds?: number;
}

export async function mintServiceToken(secret: string, claims: TokenClaims): Promise<string> {
  const lifetime = claims.lifetimeSeconds ?? 60;
  if (lifetime <= 0 || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(`token lifetime must be 1-${MAX_TOKEN_LIFETIME_SECONDS} s, got ${lifetime}`);
  }
  return new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(claims.audience)
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(`${lifetime}s`)
    .sign(new TextEncoder().encode(secret));
}

/** Why a request's token was refused; `status` is the HTTP answer (401 unauthenticated, 403 not for this service). */
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
  subject: string;
  expiresAt: number;
}

/** Checks an `Authorization` header value for the given audience; throws TokenRejected. */
export async function verifyServiceToken(
  secret: string,
  authorization: string | undefined,
  audience: string,
): Promise<VerifiedToken> {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? '');
  if (!match) throw new TokenRejected(401, 'missing bearer token');
  try {
    const { payload } = await jwtVerify(match[1], new TextEncoder().encode(secret), {
      issuer: TOKEN_ISSUER,
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'iat', 'aud', 'sub'],
    });
    if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_SECONDS) {
      throw new TokenRejected(401, `token lifetime exceeds ${MAX_TOKEN_LIFETIME_SECONDS} s`);
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(audience)) throw new TokenRejected(403, `token is not for ${audience}`);
    return { subject: payload.sub!, expiresAt: payload.exp! };
  } catch (error) {
    if (error instanceof TokenRejected) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenRejected(401, 'token expired');
    if (error instanceof errors.JWTClaimValidationFailed)
      throw new TokenRejected(401, `token claim ${error.claim} invalid`);
    throw new TokenRejected(401, 'token invalid');
  }
}
