import type { FastifyRequest } from 'fastify';
import { IdentityIssuerUnavailable, IdentityRejected, type IdentityVerifier } from '../authorization/identity-token';
import type { Requester } from '../authorization/requester';
import { unauthenticated, unavailable } from './api-errors';

/**
 * Every /api route needs a bearer identity token (audience tenant-deletion-api): verified once per request, before
 * the route runs, and kept beside the request for the route to read. A bad token is a 401 with its reason; an issuer
 * whose keys cannot be read is a 503, since nobody's token is at fault.
 */

const requesters = new WeakMap<FastifyRequest, Requester>();

export async function authenticate(verify: IdentityVerifier, request: FastifyRequest): Promise<Requester> {
  try {
    const requester = await verify(request.headers.authorization);
    requesters.set(request, requester);
    return requester;
  } catch (error) {
    if (error instanceof IdentityRejected) throw unauthenticated(error.reason);
    if (error instanceof IdentityIssuerUnavailable) {
      request.log.error({ message: error.message }, 'identity issuer unavailable');
      throw unavailable('cannot verify tokens now: the identity issuer did not answer');
    }
    throw error;
  }
}

/** The verified requester of a request that went through authenticate. */
export function requesterOf(request: FastifyRequest): Requester {
  const requester = requesters.get(request);
  if (!requester) throw new Error(`no verified requester for ${request.method} ${request.url}`);
  return requester;
}
