import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { identifier } from '@tenant-deletion/contract';
import { KitHttpError, sendError } from '../api-errors';
import type { FaultInjector } from '../faults';

/** Hooks of the routes under the base URL: ids are checked before anything else runs on them. */

export async function rejectInvalidIds(request: FastifyRequest): Promise<void> {
  const params = request.params as Record<string, string | undefined>;
  if (params.tenantId !== undefined) {
    const parsed = identifier.safeParse(params.tenantId);
    if (!parsed.success) throw new KitHttpError(400, 'INVALID_TENANT_ID', `tenantId ${parsed.error.issues[0].message}`);
  }
  if (params.jobId !== undefined && !z.uuid().safeParse(params.jobId).success) {
    throw new KitHttpError(400, 'INVALID_JOB_ID', 'jobId must be the UUID of a Location this service gave');
  }
}

/** The tenant endpoints' fault knobs (see faults.ts); an injected failure answers before the handler runs. */
export function injectFaults(faults: FaultInjector) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const failure = await faults.beforeTenantRequest();
    if (!failure) return undefined;
    request.log.info({ status: failure.status }, 'fault injected');
    if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
    return sendError(reply, failure.status, failure.code, failure.message);
  };
}
