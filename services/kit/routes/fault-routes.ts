import type { FastifyPluginAsync } from 'fastify';
import { describeIssues, KitHttpError } from '../api-errors';
import { faultSettingsSchema, type FaultInjector } from '../faults';

/** The fault knobs of a service started with them (KitOptions.faults): read them, or replace them all at once. */
export function faultRoutes(faults: FaultInjector): FastifyPluginAsync {
  return async (app) => {
    app.get('/admin/faults', async () => faults.settings);

    app.put('/admin/faults', async (request) => {
      const settings = faultSettingsSchema.safeParse(request.body ?? {});
      if (!settings.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(settings.error));
      request.log.warn({ faults: settings.data }, 'fault knobs changed');
      return faults.replace(settings.data);
    });
  };
}
