import type { FastifyPluginAsync } from 'fastify';
import type { LegalHoldLifted, LegalHoldState } from '@tenant-deletion/contract';
import { describeIssues, KitHttpError } from '../api-errors';
import type { LegalHold, LegalHolds } from '../legal-holds';
import { legalHoldBodySchema } from '../legal-holds';

/** What an admin sets on a running service, legal holds, and what it received. */

export interface AdminRouteDeps {
  holds: LegalHolds;
}

type TenantRequest = { Params: { tenantId: string } };

function heldState(hold: LegalHold): LegalHoldState {
  return { tenant_id: hold.tenantId, held: true, reason: hold.reason, placed_at: hold.placedAt.toISOString() };
}

export function adminRoutes(deps: AdminRouteDeps): FastifyPluginAsync {
  return async (app) => {
    const config = { scope: 'legal-hold:admin' } as const;
    app.get<TenantRequest>('/admin/legal-holds/:tenantId', { config }, async (request): Promise<LegalHoldState> => {
      const hold = await deps.holds.find(request.params.tenantId);
      return hold ? heldState(hold) : { tenant_id: request.params.tenantId, held: false };
    });

    app.put<TenantRequest>('/admin/legal-holds/:tenantId', { config }, async (request): Promise<LegalHoldState> => {
      const body = legalHoldBodySchema.safeParse(request.body);
      if (!body.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(body.error));
      const hold = await deps.holds.place(request.params.tenantId, body.data.reason);
      request.log.info({ tenantId: hold.tenantId }, 'legal hold placed');
      return heldState(hold);
    });

    app.delete<TenantRequest>('/admin/legal-holds/:tenantId', { config }, async (request): Promise<LegalHoldLifted> => {
      const lifted = await deps.holds.lift(request.params.tenantId);
      if (lifted) request.log.info({ tenantId: request.params.tenantId }, 'legal hold lifted');
      return { tenant_id: request.params.tenantId, held: false, lifted };
    });

  };
}
