import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { identifier } from '../../common/identifiers';
import { describeIssues, sendError } from './api-errors';
import { deleteTenant, findTenant, newTenantSchema, resumeTenant, saveTenant, suspendTenant } from './tenant-records';

/** The registry's HTTP API over its tenant records. Ids are checked against the contract before any SQL. */

const tenantParams = z.object({ tenantId: identifier });
const deleteQuery = z.object({ erasePii: z.enum(['true', 'false'], { error: 'must be exactly true or false' }) });

export function tenantRoutes(db: pg.Pool): FastifyPluginAsync {
  return async (app) => {
    app.post('/tenants', async (request, reply) => {
      const parsed = newTenantSchema.safeParse(request.body);
      if (!parsed.success) return sendError(reply, 400, 'INVALID_TENANT', describeIssues(parsed.error));
      const saved = await saveTenant(db, parsed.data);
      request.log.info({ tenantId: saved.tenantId, status: saved.status }, 'tenant saved');
      return reply.code(201).send({ tenant_id: saved.tenantId, status: saved.status });
    });

    app.get('/tenants/:tenantId', async (request, reply) => {
      const params = tenantParams.safeParse(request.params);
      if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
      const tenant = await findTenant(db, params.data.tenantId);
      if (!tenant) return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
      // A deleted tenant takes no writes either, so the fleet's write guard treats it as suspended.
      return { tenant_id: tenant.tenantId, status: tenant.status, suspended: tenant.status !== 'ACTIVE' };
    });

    app.post('/tenants/:tenantId/suspend', async (request, reply) => {
      const params = tenantParams.safeParse(request.params);
      if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
      const suspended = await suspendTenant(db, params.data.tenantId);
      if (!suspended) {
        return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
      }
      request.log.info({ tenantId: suspended.tenantId, status: suspended.status }, 'tenant suspended');
      return { tenant_id: suspended.tenantId, status: suspended.status, timestamp: suspended.at.toISOString() };
    });

    app.post('/tenants/:tenantId/resume', async (request, reply) => {
      const params = tenantParams.safeParse(request.params);
      if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
      const resumed = await resumeTenant(db, params.data.tenantId);
      if (!resumed)
        return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
      if (resumed.status === 'DELETED') {
        return sendError(
          reply,
          409,
          'TENANT_DELETED',
          `tenant ${resumed.tenantId} is deleted and cannot be resumed; re-create it with POST /tenants`,
        );
      }
      request.log.info({ tenantId: resumed.tenantId }, 'tenant resumed');
      return { tenant_id: resumed.tenantId, status: resumed.status, timestamp: resumed.at.toISOString() };
    });

    app.delete('/tenants/:tenantId', async (request, reply) => {
      const params = tenantParams.safeParse(request.params);
      if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
      const query = deleteQuery.safeParse(request.query);
      if (!query.success) return sendError(reply, 400, 'INVALID_ERASE_PII', describeIssues(query.error));
      const erasePii = query.data.erasePii === 'true';
      const erased = await deleteTenant(db, params.data.tenantId, erasePii);
      request.log.info({ tenantId: params.data.tenantId, erasePii, known: erased !== undefined }, 'tenant deleted');
      // An unknown tenant has nothing left to erase: answering 200 lets a retried delete converge.
      return {
        tenant_id: params.data.tenantId,
        erased: true,
        pii_erased: erased ? erased.piiErased : erasePii,
        timestamp: (erased?.deletedAt ?? new Date()).toISOString(),
      };
    });
  };
}
