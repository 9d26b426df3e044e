import { decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import fs from 'node:fs';
import { jwksFrom } from '@tenant-deletion/contract/service-token';
import { identifier } from '@tenant-deletion/contract';
import { identityRole, type IdentityRole, type Requester } from './requester';

/**
 * Verifies the tokens of people and requesting systems against the identity issuer's JWKS (the local dev issuer, or
 * any OIDC provider in production). Only asymmetric algorithms: with HS256 the verifier's secret would mint tokens.
 */

/** The audience of identity tokens, for the deletion API and for signed Kafka requests alike. */
export const IDENTITY_AUDIENCE = 'tenant-deletion-api';

/** What OIDC providers sign with; HS* and `none` are refused. */
export const IDENTITY_ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'PS256'] as const;

/** Clocks of the issuer and of this process may differ a little; a token is not refused for seconds of skew. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** The token was missing or invalid: 401 from the API, UNAUTHENTICATED in the DLQ. `reason` never quotes the token. */
export class IdentityRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'IdentityRejected';
  }
}

/**
 * The issuer's keys could not be read (its JWKS endpoint down or answering nonsense): nobody's token is at fault, so
 * the API answers 503 and the bridge retries, rather than refusing the request.
 */
export class IdentityIssuerUnavailable extends Error {
  constructor(message: string) {
    super(`the identity issuer's public keys could not be read: ${message}`);
    this.name = 'IdentityIssuerUnavailable';
  }
}

export interface IdentityVerifierOptions {
  /** The `iss` every token must carry (AUTH_ISSUER). */
  issuer: string;
  /** The issuer's public keys: an http(s) URL (fetched, cached, re-fetched for an unknown `kid`), file:// or a path. */
  jwksUrl: string;
  /** The `aud` every token must carry; IDENTITY_AUDIENCE unless said otherwise. */
  audience?: string;
}

export type IdentityVerifier = (authorizationHeaderOrToken: string | undefined) => Promise<Requester>;

function tokenOf(input: string | undefined): string {
  const value = (input ?? '').trim();
  if (value === '') throw new IdentityRejected('missing bearer token');
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  const token = bearer ? bearer[1] : value;
  if (!/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token)) {
    throw new IdentityRejected('the authorization is not a bearer JWT');
  }
  return token;
}

/** Roles the token names that this system knows; others (a provider's own roles) grant nothing here. */
function rolesOf(claim: unknown): IdentityRole[] {
  if (claim === undefined) return [];
  if (!Array.isArray(claim)) throw new IdentityRejected('token claim roles must be an array of strings');
  return [...new Set(claim.filter((role): role is IdentityRole => identityRole.safeParse(role).success))];
}

/** What a failed verification says to the caller: the token's fault (IdentityRejected) or the issuer's. */
function rejectionOf(error: unknown, audience: string): Error {
  if (error instanceof errors.JWTExpired) return new IdentityRejected('token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return new IdentityRejected(`token is not for ${audience}`);
    if (error.claim === 'iss') return new IdentityRejected('token is not from the trusted issuer');
    return new IdentityRejected(`token claim ${error.claim} is missing or invalid`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new IdentityRejected('token signed by an unknown key');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new IdentityRejected('token signature invalid');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  ) {
    return new IdentityRejected('token is malformed or signed in a way this issuer does not use');
  }
  return new IdentityIssuerUnavailable((error as Error).message);
}

export function identityVerifier(options: IdentityVerifierOptions): IdentityVerifier {
  const keys: JWTVerifyGetKey = jwksFrom(options.jwksUrl, (file) => fs.readFileSync(file, 'utf8'));
  const audience = options.audience ?? IDENTITY_AUDIENCE;
  return async (input) => {
    const token = tokenOf(input);
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new IdentityRejected('the authorization is not a JWT');
    }
    if (!IDENTITY_ALGORITHMS.includes(alg as (typeof IDENTITY_ALGORITHMS)[number])) {
      throw new IdentityRejected(
        `${alg ?? 'unsigned'} tokens are refused: identity tokens are signed with ${IDENTITY_ALGORITHMS.join(', ')}`,
      );
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience,
        algorithms: [...IDENTITY_ALGORITHMS],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const subject = identifier.safeParse(payload.sub);
      if (!subject.success) {
        throw new IdentityRejected(
          'token subject must be 1-64 characters of A-Z a-z 0-9 . _ : - (it becomes requestedBy)',
        );
      }
      return { subject: subject.data, roles: rolesOf(payload.roles) };
    } catch (error) {
      if (error instanceof IdentityRejected) throw error;
      throw rejectionOf(error, audience);
    }
  };
}
