import type { FastifyPluginAsync } from 'fastify';
import { describeIssues, KitHttpError } from '../api-errors';
import type { FaultInjector } from '../faults';
import { faultSettingsSchema } from '../faults';
import type { LegalHolds } from '../legal-holds';
import { legalHoldBodySchema } from '../legal-holds';

/** What an admin (or a test) sets on a running service: legal holds and the fault knobs. */

export interface AdminRouteDeps {
  holds: LegalHolds;
  faults: FaultInjector;
}

type TenantRequest = { Params: { tenantId: string } };

export function adminRoutes(deps: AdminRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<TenantRequest>('/admin/legal-holds/:tenantId', async (request) => {
      const hold = await deps.holds.find(request.params.tenantId);
      return hold
        ? { tenant_id: hold.tenantId, held: true, reason: hold.reason, placed_at: hold.placedAt.toISOString() }
        : { tenant_id: request.params.tenantId, held: false };
    });

    app.put<TenantRequest>('/admin/legal-holds/:tenantId', async (request) => {
      const body = legalHoldBodySchema.safeParse(request.body);
      if (!body.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(body.error));
      const hold = await deps.holds.place(request.params.tenantId, body.data.reason);
      request.log.info({ tenantId: hold.tenantId }, 'legal hold placed');
      return { tenant_id: hold.tenantId, held: true, reason: hold.reason, placed_at: hold.placedAt.toISOString() };
    });

    app.delete<TenantRequest>('/admin/legal-holds/:tenantId', async (request) => {
      const lifted = await deps.holds.lift(request.params.tenantId);
      if (lifted) request.log.info({ tenantId: request.params.tenantId }, 'legal hold lifted');
      return { tenant_id: request.params.tenantId, held: false, lifted };
    });

    app.get('/admin/faults', async () => deps.faults.settings);

    app.put('/admin/faults', async (request) => {
      const settings = faultSettingsSchema.safeParse(request.body ?? {});
      if (!settings.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(settings.error));
      request.log.warn({ faults: settings.data }, 'fault knobs changed');
      return deps.faults.replace(settings.data);
    });
  };
}
