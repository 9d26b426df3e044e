import type { FastifyInstance } from 'fastify';
import { requestId as requestIdSchema } from '@tenant-deletion/contract';
import type { ApiDeps } from '../api-deps';
import { notFound, parsed } from '../api-errors';
import { API_PREFIX, type RequestStatusAnswer, type TenantDeletionStatus } from '../api-schemas';
import { requesterOf } from '../authentication';
import { readDeletion, requestersOf } from '../deletion-view';
import { requestRows, rolledUpStatus } from '../request-ledger';
import { tenantOfRequestId } from '../request-identity';
import { readAccess, requireRead, tenantIdOf } from '../tenant-access';

/**
 * `GET /api/v1/tenants/{tenantId}/deletion`: the tenant's deletion (progress per instance and request, totals,
 * result); `GET /api/v1/deletions/{requestId}`: one request, from the workflow and the ledger.
 */

export function deletionStatusRoutes(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    app.get(`${API_PREFIX}/tenants/:tenantId/deletion`, async (request): Promise<TenantDeletionStatus> => {
      const requester = requesterOf(request);
      const tenantId = tenantIdOf((request.params as { tenantId: string }).tenantId);
      const access = await readAccess(deps.tenantStanding, requester, tenantId);
      const deletion = await readDeletion(deps.temporal, tenantId);
      requireRead(access, requester, tenantId, { exists: deletion !== null, requesters: requestersOf(deletion) }, () =>
        notFound('NO_DELETION', `tenant ${tenantId} has no deletion workflow: nothing was requested for it`),
      );
      return deletion!;
    });

    app.get(`${API_PREFIX}/deletions/:requestId`, async (request): Promise<RequestStatusAnswer> => {
      const requester = requesterOf(request);
      const requestId = parsed(
        requestIdSchema,
        (request.params as { requestId: string }).requestId,
        'INVALID_REQUEST_ID',
      );
      const ledger = await requestRows(deps.db, requestId);
      const tenantId = ledger?.tenantId ?? tenantOfRequestId(requestId);
      const unknown = () => notFound('REQUEST_NOT_FOUND', `no deletion request ${requestId} is known`);
      // An id that names no tenant and has no rows: nothing to authorize against, and nothing to show.
      if (!tenantId) throw unknown();
      const access = await readAccess(deps.tenantStanding, requester, tenantId);
      const deletion = await readDeletion(deps.temporal, tenantId);
      const state = deletion?.progress?.requests.find((candidate) => candidate.requestId === requestId) ?? null;
      const exists = ledger !== null || state !== null;
      requireRead(access, requester, tenantId, { exists, requesters: state ? [state.requestedBy] : [] }, unknown);
      const outcome = deletion?.result?.requests.find((candidate) => candidate.requestId === requestId);
      return {
        requestId,
        tenantId,
        status: state?.status ?? outcome?.status ?? rolledUpStatus(ledger?.rows ?? []),
        request: state,
        instances: ledger?.rows ?? [],
      };
    });
  };
}
