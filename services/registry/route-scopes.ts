import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { decodeJwt } from 'jose';
import {
  ADMIN_TOKEN_ISSUER,
  READER_TOKEN_ISSUER,
  TOKEN_ISSUER,
  TokenRejected,
  type Scope,
  type ServiceTokenVerifier,
  type VerifiedToken,
} from '@tenant-deletion/contract/service-token';
import { sendError } from './api-errors';
import { REGISTRY } from './registry-settings';

/**
 * Each registry route declares the scopes that open it (`config.registryScopes`, any one of them), or `public`
 * (/healthz). The check runs before anything else, so a refused call reads and changes nothing. Who may hold which
 * scope is the authorities' business (ISSUER_SCOPES): the workers suspend and erase, readers read, admins manage
 * members.
 */

/** The authorities whose tokens the registry accepts; the caller builds the verifier from their public keys. */
export const REGISTRY_TOKEN_ISSUERS = [TOKEN_ISSUER, READER_TOKEN_ISSUER, ADMIN_TOKEN_ISSUER] as const;

/** The scopes a registry call may carry; an undeclared route (an unknown path) needs a token with one of them. */
const REGISTRY_SCOPES: readonly Scope[] = ['registry:read', 'registry:members', 'registry:suspend', 'registry:erase'];

export type RegistryRouteScopes = readonly Scope[] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    registryScopes?: RegistryRouteScopes;
  }
  interface FastifyRequest {
    /** The verified caller; its subject (a component or an admin's id) is logged with member changes. */
    registryCaller?: VerifiedToken;
  }
}

/** A route that forgot its scopes would be open to any token; the registry refuses to start instead. */
export function requireDeclaredScopes(route: RouteOptions): void {
  if (route.config?.registryScopes === undefined) {
    throw new Error(`registry route ${String(route.method)} ${route.url} declares no scopes (config.registryScopes)`);
  }
}

/** The scopes the token claims, unverified: only to pick which of the route's scopes to verify it for. */
function claimedScopes(authorization: string | undefined): string[] {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  try {
    const scope = token ? decodeJwt(token).scope : undefined;
    return typeof scope === 'string' ? scope.split(' ') : [];
  } catch {
    return [];
  }
}

/**
 * Verifies the token for one of the allowed scopes. A bad token is a 401 whatever it claims; a good one without any
 * of the scopes is a 403 naming them all.
 */
export async function verifyAnyScope(
  verify: ServiceTokenVerifier,
  authorization: string | undefined,
  allowed: readonly Scope[],
): Promise<VerifiedToken> {
  const claimed = claimedScopes(authorization);
  const candidates = allowed.filter((scope) => claimed.includes(scope));
  let refusal: TokenRejected | undefined;
  for (const scope of candidates.length > 0 ? candidates : allowed.slice(0, 1)) {
    try {
      return await verify(authorization, { audience: REGISTRY.serviceType, scope });
    } catch (error) {
      if (!(error instanceof TokenRejected) || error.status === 401) throw error;
      refusal ??= error;
    }
  }
  if (candidates.length === 0 && allowed.length > 1) {
    throw new TokenRejected(403, `token lacks scope ${allowed.join(' or ')}`);
  }
  throw refusal!;
}

export function requireRegistryToken(verify: ServiceTokenVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const allowed = request.routeOptions.config?.registryScopes ?? REGISTRY_SCOPES;
    if (allowed === 'public') return undefined;
    try {
      request.registryCaller = await verifyAnyScope(verify, request.headers.authorization, allowed);
      return undefined;
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      request.log.warn({ reason: error.message, status: error.status }, 'token rejected');
      return sendError(reply, error.status, error.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', error.message);
    }
  };
}
