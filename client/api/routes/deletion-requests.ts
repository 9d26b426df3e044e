import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeletionRequest } from '@tenant-deletion/contract';
import { requestDeletion } from '@tenant-deletion/client';
import type { ApiDeps } from '../api-deps';
import { parsed } from '../api-errors';
import {
  API_PREFIX,
  instanceDeletionBodySchema,
  wholeTenantDeletionBodySchema,
  type DeletionAccepted,
} from '../api-schemas';
import { requesterOf } from '../authentication';
import { requestIdFor, traceIdFor, type RequestKind } from '../request-identity';
import { requireDeletionRight, tenantIdOf } from '../tenant-access';
import { isUnreachable, temporalUnreachable } from '../temporal-errors';

/**
 * `DELETE /api/v1/tenants/{tenantId}` (the whole tenant) and `POST /api/v1/tenants/{tenantId}/deletions` (some
 * instances): the same signal-with-start as the Kafka bridge, with requestedBy = the token's subject (a body cannot
 * name one: bodies are strict). 202: the workflow has the request; follow it at the status URLs.
 */

export function deletionRequestRoutes(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    app.delete(`${API_PREFIX}/tenants/:tenantId`, async (request, reply) => {
      const tenantId = tenantIdOf((request.params as { tenantId: string }).tenantId);
      await requireDeletionRight(deps.tenantStanding, requesterOf(request), tenantId);
      const body = parsed(wholeTenantDeletionBodySchema, request.body ?? {}, 'INVALID_REQUEST');
      return start(deps, request, reply, tenantId, 'whole-tenant', body);
    });

    app.post(`${API_PREFIX}/tenants/:tenantId/deletions`, async (request, reply) => {
      const tenantId = tenantIdOf((request.params as { tenantId: string }).tenantId);
      await requireDeletionRight(deps.tenantStanding, requesterOf(request), tenantId);
      const body = parsed(instanceDeletionBodySchema, request.body ?? {}, 'INVALID_REQUEST');
      return start(deps, request, reply, tenantId, 'instances', body);
    });
  };
}

async function start(
  deps: ApiDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  kind: RequestKind,
  body: Pick<DeletionRequest, 'gdprMode' | 'dryRun' | 'reason' | 'instances' | 'requestedAt'>,
): Promise<DeletionAccepted> {
  const requester = requesterOf(request);
  const deletion: DeletionRequest = {
    requestId: requestIdFor({
      tenantId,
      subject: requester.subject,
      kind,
      idempotencyKey: request.headers['idempotency-key'],
    }),
    tenantId,
    requestedBy: requester.subject,
    traceId: traceIdFor(request.headers['x-trace-id']),
    gdprMode: body.gdprMode,
    dryRun: body.dryRun,
    ...(body.reason ? { reason: body.reason } : {}),
    requestedAt: body.requestedAt ?? new Date().toISOString(),
    ...(body.instances ? { instances: body.instances } : {}),
  };
  let workflowId: string;
  try {
    workflowId = (await requestDeletion(deps.temporal, deletion)).workflowId;
  } catch (error) {
    if (isUnreachable(error)) throw temporalUnreachable();
    throw error;
  }
  request.log.info(
    { tenantId, requestId: deletion.requestId, traceId: deletion.traceId, kind, dryRun: deletion.dryRun },
    'deletion requested',
  );
  const status = `${API_PREFIX}/tenants/${tenantId}/deletion`;
  reply.code(202).header('location', status).header('x-trace-id', deletion.traceId);
  return {
    requestId: deletion.requestId,
    workflowId,
    status,
    request: `${API_PREFIX}/deletions/${deletion.requestId}`,
    traceId: deletion.traceId,
  };
}
