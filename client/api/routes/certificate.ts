import type { FastifyInstance } from 'fastify';
import type { DeletionCertificate } from '@tenant-deletion/contract';
import { latestCertificate } from '../../../db/certificates';
import type { ApiDeps } from '../api-deps';
import { notFound } from '../api-errors';
import { API_PREFIX } from '../api-schemas';
import { requesterOf } from '../authentication';
import { readAccess, requireRead, tenantIdOf } from '../tenant-access';

/**
 * `GET /api/v1/tenants/{tenantId}/certificate`: the tenant's latest signed deletion certificate, as issued (verify it
 * with `tdel certificate --verify --file`, or openssl: docs/certificates.md). Its requesters may read it even after
 * the tenant and its members are gone.
 */

export function certificateRoutes(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    app.get(`${API_PREFIX}/tenants/:tenantId/certificate`, async (request): Promise<DeletionCertificate> => {
      const requester = requesterOf(request);
      const tenantId = tenantIdOf((request.params as { tenantId: string }).tenantId);
      const access = await readAccess(deps.tenantStanding, requester, tenantId);
      const stored = await latestCertificate(deps.db, tenantId);
      const requesters = stored?.certificate.body.requests.map((certified) => certified.requestedBy) ?? [];
      requireRead(access, requester, tenantId, { exists: stored !== null, requesters }, () =>
        notFound(
          'NO_CERTIFICATE',
          `tenant ${tenantId} has no deletion certificate: one is issued when a deletion empties the tenant`,
        ),
      );
      return stored!.certificate;
    });
  };
}
