import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { decodeJwt } from 'jose';
import {
  scopeSchema,
  TokenRejected,
  type Scope,
  type ServiceTokenVerifier,
  type VerifiedToken,
} from '@tenant-deletion/contract/service-token';
import { sendError } from './api-errors';

/**
 * Each route declares what a caller must hold (`config.scope`): a scope, any service token for this service (the
 * app's own writes, which are not deletion routes), or nothing (/healthz only). The check runs first, so a refused
 * request touches nothing: no id is parsed, no fault is drawn, no SQL runs.
 */

/** What a route needs: one scope, any service token addressed to this service, or none. */
export type RouteScope = Scope | 'any-service-token' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: RouteScope;
  }
  interface FastifyRequest {
    /** The verified caller of a route that needs a token (its subject is who placed or lifted a hold). */
    serviceToken?: VerifiedToken;
  }
}

/** A route that forgot its scope would be open to any token; the service refuses to start instead. */
export function requireDeclaredScope(route: RouteOptions): void {
  if (route.config?.scope === undefined) {
    throw new Error(`route ${String(route.method)} ${route.url} declares no scope (config.scope)`);
  }
}

/**
 * Routes without a declared scope are unknown paths (404): they need any valid token too, so that an unauthenticated
 * caller cannot learn which routes exist (e.g. whether fault knobs are on).
 */
export function requireServiceToken(verify: ServiceTokenVerifier, serviceType: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const declared = request.routeOptions.config?.scope ?? 'any-service-token';
    if (declared === 'public') return undefined;
    try {
      const scope = declared === 'any-service-token' ? claimedScope(request.headers.authorization) : declared;
      request.serviceToken = await verify(request.headers.authorization, { audience: serviceType, scope });
      return undefined;
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      request.log.warn({ reason: error.message, status: error.status }, 'token rejected');
      return sendError(reply, error.status, error.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', error.message);
    }
  };
}

/**
 * For a route that takes any scope: the first scope the token claims, which the verifier then checks like any other
 * (signature, issuer, audience, and that its issuer may grant it). Unreadable tokens fall through to the verifier,
 * which refuses them with the reason.
 */
function claimedScope(authorization: string | undefined): Scope {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  let claimed: unknown;
  try {
    claimed = token && decodeJwt(token).scope;
  } catch {
    claimed = undefined;
  }
  const scopes = typeof claimed === 'string' ? claimed.split(' ') : [];
  return (
    scopes.map((name) => scopeSchema.safeParse(name)).find((parsed) => parsed.success)?.data ?? 'tenant-data:preview'
  );
}
