import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { LegalHoldLifted, LegalHoldState, LiftedLegalHold } from '@tenant-deletion/contract';
import { describeIssues, KitHttpError } from '../api-errors';
import type { LegalHold, LegalHolds, LiftedHold } from '../legal-holds';
import { legalHoldBodySchema } from '../legal-holds';

/**
 * Legal holds, set and lifted by an admin with a `legal-hold:admin` token (only the admin authority grants it, so
 * the orchestrator's deleting token cannot lift a hold first). Who placed and who lifted is the token's subject.
 */

export interface AdminRouteDeps {
  holds: LegalHolds;
}

type TenantRequest = { Params: { tenantId: string } };

function heldState(hold: LegalHold): LegalHoldState {
  return {
    tenant_id: hold.tenantId,
    held: true,
    reason: hold.reason,
    ...(hold.placedBy !== undefined && { placed_by: hold.placedBy }),
    placed_at: hold.placedAt.toISOString(),
  };
}

function liftedState(hold: LiftedHold): LiftedLegalHold {
  return {
    reason: hold.reason,
    ...(hold.placedBy !== undefined && { placed_by: hold.placedBy }),
    placed_at: hold.placedAt.toISOString(),
    lifted_by: hold.liftedBy,
    lifted_at: hold.liftedAt.toISOString(),
  };
}

/** The auth hook ran first and refused the request unless it verified a token, so the subject is there. */
function subjectOf(request: FastifyRequest): string {
  const subject = request.serviceToken?.subject;
  if (subject === undefined) throw new Error('legal-hold route reached without a verified token');
  return subject;
}

export function adminRoutes(deps: AdminRouteDeps): FastifyPluginAsync {
  return async (app) => {
    const config = { scope: 'legal-hold:admin' } as const;

    app.get<TenantRequest>('/admin/legal-holds/:tenantId', { config }, async (request): Promise<LegalHoldState> => {
      const { tenantId } = request.params;
      const [hold, lifted] = await Promise.all([
        deps.holds.find(deps.holds.pool, tenantId),
        deps.holds.history(tenantId),
      ]);
      const liftedHolds = lifted.map(liftedState);
      return hold
        ? { ...heldState(hold), lifted_holds: liftedHolds }
        : { tenant_id: tenantId, held: false, lifted_holds: liftedHolds };
    });

    app.put<TenantRequest>('/admin/legal-holds/:tenantId', { config }, async (request): Promise<LegalHoldState> => {
      const body = legalHoldBodySchema.safeParse(request.body);
      if (!body.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(body.error));
      const hold = await deps.holds.place(request.params.tenantId, body.data.reason, subjectOf(request));
      request.log.info({ tenantId: hold.tenantId, placedBy: hold.placedBy }, 'legal hold placed');
      return heldState(hold);
    });

    app.delete<TenantRequest>('/admin/legal-holds/:tenantId', { config }, async (request): Promise<LegalHoldLifted> => {
      const { tenantId } = request.params;
      const lifted = await deps.holds.lift(tenantId, subjectOf(request));
      if (!lifted) return { tenant_id: tenantId, held: false, lifted: false };
      request.log.info({ tenantId, liftedBy: lifted.liftedBy }, 'legal hold lifted');
      return {
        tenant_id: tenantId,
        held: false,
        lifted: true,
        lifted_by: lifted.liftedBy,
        lifted_at: lifted.liftedAt.toISOString(),
      };
    });
  };
}
