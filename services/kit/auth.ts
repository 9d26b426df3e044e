import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenRejected, verifyServiceToken } from '@tenant-deletion/contract/service-token';
import { sendError } from './api-errors';

/**
 * Every route but /healthz needs a service token addressed to this service type. It runs first, so a
 * refused request touches nothing: no id is parsed, no fault is drawn, no SQL runs.
 */
export function requireServiceToken(secret: string, serviceType: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (request.routeOptions.url === '/healthz') return undefined;
    try {
      await verifyServiceToken(secret, request.headers.authorization, serviceType);
      return undefined;
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      request.log.warn({ reason: error.message }, 'token rejected');
      return sendError(reply, error.status, error.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', error.message);
    }
  };
}
