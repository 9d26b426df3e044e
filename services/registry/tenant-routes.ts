import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import {
  identifier,
  type TenantErased,
  type TenantSaved,
  type TenantStateBody,
  type TenantTransitionBody,
} from '@tenant-deletion/contract';
import { describeIssues, sendError } from './api-errors';
import { deleteTenant, findTenant, newTenantSchema, resumeTenant, saveTenant, suspendTenant } from './tenant-records';

/** The registry's HTTP API over its tenant records. Ids are checked against the contract before any SQL. */

const tenantParams = z.object({ tenantId: identifier });
/** `force=true` re-creates a DELETED tenant on purpose; without it, that is refused (409). */
export const createQuery = z.object({
  force: z.enum(['true', 'false'], { error: 'must be exactly true or false' }).optional(),
});
export const deleteQuery = z.object({
  erasePii: z.enum(['true', 'false'], { error: 'must be exactly true or false' }),
});

export function tenantRoutes(db: pg.Pool): FastifyPluginAsync {
  return async (app) => {
    app.post('/tenants', { config: { registryScopes: ['registry:members'] } }, async (request, reply) => {
      const query = createQuery.safeParse(request.query);
      if (!query.success) return sendError(reply, 400, 'INVALID_FORCE', describeIssues(query.error));
      const parsed = newTenantSchema.safeParse(request.body);
      if (!parsed.success) return sendError(reply, 400, 'INVALID_TENANT', describeIssues(parsed.error));
      const saved = await saveTenant(db, parsed.data, query.data.force === 'true');
      if (saved.outcome === 'refused') {
        request.log.warn({ tenantId: saved.tenantId }, 'refused to re-create a deleted tenant without force');
        return sendError(
          reply,
          409,
          'TENANT_DELETED',
          `tenant ${saved.tenantId} was deleted at ${saved.deletedAt.toISOString()}` +
            `${saved.piiErased ? ' and its PII erased' : ''}; it is not re-created under the same id by accident ` +
            '(an old deletion request could delete the new tenant): POST /tenants?force=true re-creates it on purpose',
        );
      }
      if (saved.outcome === 'owner-exists') {
        return sendError(
          reply,
          409,
          'OWNER_EXISTS',
          `tenant ${saved.tenantId} is owned by ${saved.owner}; nothing was saved: a tenant has exactly one owner, ` +
            `changed only by POST /tenants/${saved.tenantId}/transfer-ownership`,
        );
      }
      const { tenantId, status } = saved.tenant;
      const createdAt = saved.createdAt.toISOString();
      if (saved.outcome === 'recreated') {
        // Ids and times only: the record's fields are PII.
        request.log.warn({ tenantId, status, createdAt, forced: true }, 'deleted tenant re-created (forced)');
      } else {
        request.log.info({ tenantId, status, owner: parsed.data.owner }, 'tenant saved');
      }
      return reply.code(201).send({
        tenant_id: tenantId,
        status,
        created_at: createdAt,
        recreated: saved.outcome === 'recreated',
        ...(parsed.data.owner === undefined ? {} : { owner: parsed.data.owner }),
      } satisfies TenantSaved);
    });

    app.get('/tenants/:tenantId', { config: { registryScopes: ['registry:read'] } }, async (request, reply) => {
      const params = tenantParams.safeParse(request.params);
      if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
      const tenant = await findTenant(db, params.data.tenantId);
      if (!tenant) return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
      // A deleted tenant takes no writes either, so the fleet's write guard treats it as suspended.
      return {
        tenant_id: tenant.tenantId,
        status: tenant.status,
        suspended: tenant.status !== 'ACTIVE',
        created_at: tenant.createdAt.toISOString(),
      } satisfies TenantStateBody;
    });

    app.post(
      '/tenants/:tenantId/suspend',
      { config: { registryScopes: ['registry:suspend'] } },
      async (request, reply) => {
        const params = tenantParams.safeParse(request.params);
        if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
        const suspended = await suspendTenant(db, params.data.tenantId);
        if (!suspended) {
          return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
        }
        request.log.info({ tenantId: suspended.tenantId, status: suspended.status }, 'tenant suspended');
        return {
          tenant_id: suspended.tenantId,
          status: suspended.status,
          timestamp: suspended.at.toISOString(),
        } satisfies TenantTransitionBody;
      },
    );

    app.post(
      '/tenants/:tenantId/resume',
      { config: { registryScopes: ['registry:suspend'] } },
      async (request, reply) => {
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
            `tenant ${resumed.tenantId} is deleted and cannot be resumed; re-create it on purpose with POST /tenants?force=true`,
          );
        }
        request.log.info({ tenantId: resumed.tenantId }, 'tenant resumed');
        return {
          tenant_id: resumed.tenantId,
          status: resumed.status,
          timestamp: resumed.at.toISOString(),
        } satisfies TenantTransitionBody;
      },
    );

    app.delete('/tenants/:tenantId', { config: { registryScopes: ['registry:erase'] } }, async (request, reply) => {
      const params = tenantParams.safeParse(request.params);
      if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
      const query = deleteQuery.safeParse(request.query);
      if (!query.success) return sendError(reply, 400, 'INVALID_ERASE_PII', describeIssues(query.error));
      const erasePii = query.data.erasePii === 'true';
      const erased = await deleteTenant(db, params.data.tenantId, erasePii);
      request.log.info({ tenantId: params.data.tenantId, erasePii, known: erased !== undefined }, 'tenant deleted');
      // A tenant never registered has no record to delete or erase: saying "erased" would put a false statement in
      // the deletion certificate. A retried delete still converges: a deleted tenant keeps its tombstone row.
      if (!erased) {
        return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
      }
      return {
        tenant_id: params.data.tenantId,
        erased: true,
        pii_erased: erased.piiErased,
        timestamp: erased.deletedAt.toISOString(),
      } satisfies TenantErased;
    });
  };
}
