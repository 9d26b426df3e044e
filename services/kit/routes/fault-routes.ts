import type { FastifyPluginAsync } from 'fastify';
import { describeIssues, KitHttpError } from '../api-errors';
import { faultSettingsSchema, type FaultInjector } from '../faults';
import type { RequestCounts } from '../request-counts';

/**
 * Test tooling of a service started with fault knobs (KitOptions.faults): read or replace the knobs, and count the
 * requests received. Without knobs the routes do not exist; with them they need `kit:faults`, which only the admin
 * authority grants, so a deleting token cannot make a service fail on purpose.
 */

export interface FaultRouteDeps {
  faults: FaultInjector;
  requests: RequestCounts;
}

export function faultRoutes(deps: FaultRouteDeps): FastifyPluginAsync {
  return async (app) => {
    const config = { scope: 'kit:faults' } as const;

    app.get('/admin/faults', { config }, async () => deps.faults.settings);

    app.put('/admin/faults', { config }, async (request) => {
      const settings = faultSettingsSchema.safeParse(request.body ?? {});
      if (!settings.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(settings.error));
      request.log.warn({ faults: settings.data }, 'fault knobs changed');
      return deps.faults.replace(settings.data);
    });

    app.get('/admin/request-counts', { config }, async () => ({ counts: deps.requests.snapshot() }));
  };
}
