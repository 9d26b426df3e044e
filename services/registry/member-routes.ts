import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import {
  identifier,
  tenantRole,
  type MemberRemovedBody,
  type OwnershipTransferredBody,
  type TenantMember,
  type TenantMembersBody,
} from '@tenant-deletion/contract';
import { describeIssues, sendError } from './api-errors';
import {
  isRefusal,
  listMembers,
  putMember,
  removeMember,
  transferOwnership,
  type Member,
  type MemberRefusal,
} from './member-records';

/**
 * Members and ownership over HTTP. Changes need `registry:members` (the admins' authority); the list also opens to
 * `registry:read`, which the deletion API and the bridge hold to decide who may delete. Logs name ids only.
 */

const tenantParams = z.object({ tenantId: identifier });
const memberParams = z.object({ tenantId: identifier, userId: identifier });
export const memberBodySchema = z.object({ role: tenantRole }).strict();
export const transferBodySchema = z.object({ to: identifier }).strict();

const body = (item: Member): TenantMember => ({
  user_id: item.userId,
  role: item.role,
  added_at: item.addedAt.toISOString(),
});

function refuse(reply: FastifyReply, tenantId: string, refusal: MemberRefusal, userId?: string): FastifyReply {
  switch (refusal.refused) {
    case 'TENANT_NOT_FOUND':
      return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${tenantId} is not registered`);
    case 'TENANT_DELETED':
      return sendError(reply, 409, 'TENANT_DELETED', `tenant ${tenantId} is deleted: its members cannot change`);
    case 'OWNER_EXISTS':
      return sendError(
        reply,
        409,
        'OWNER_EXISTS',
        `tenant ${tenantId} is owned by ${refusal.owner}: a tenant has exactly one owner; ` +
          `POST /tenants/${tenantId}/transfer-ownership makes another member the owner`,
      );
    case 'OWNER_REQUIRED':
      return sendError(
        reply,
        409,
        'OWNER_REQUIRED',
        `${refusal.owner} owns tenant ${tenantId} and stays its owner until ownership is transferred ` +
          `(POST /tenants/${tenantId}/transfer-ownership): a tenant is never left without one`,
      );
    case 'NOT_A_MEMBER':
      return sendError(
        reply,
        409,
        'NOT_A_MEMBER',
        `${userId} is not a member of tenant ${tenantId}: add them first (PUT /tenants/${tenantId}/members/${userId})`,
      );
  }
}

export function memberRoutes(db: pg.Pool): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/tenants/:tenantId/members',
      { config: { registryScopes: ['registry:members', 'registry:read'] } },
      async (request, reply) => {
        const params = tenantParams.safeParse(request.params);
        if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
        const found = await listMembers(db, params.data.tenantId);
        if (!found)
          return sendError(reply, 404, 'TENANT_NOT_FOUND', `tenant ${params.data.tenantId} is not registered`);
        return {
          tenant_id: params.data.tenantId,
          status: found.status,
          members: found.members.map(body),
        } satisfies TenantMembersBody;
      },
    );

    app.put(
      '/tenants/:tenantId/members/:userId',
      { config: { registryScopes: ['registry:members'] } },
      async (request, reply) => {
        const params = memberParams.safeParse(request.params);
        if (!params.success) return sendError(reply, 400, 'INVALID_ID', describeIssues(params.error));
        const parsed = memberBodySchema.safeParse(request.body);
        if (!parsed.success) return sendError(reply, 400, 'INVALID_MEMBER', describeIssues(parsed.error));
        const { tenantId, userId } = params.data;
        const result = await putMember(db, tenantId, userId, parsed.data.role);
        if (isRefusal(result)) return refuse(reply, tenantId, result, userId);
        request.log.info(
          { tenantId, userId, role: result.member.role, by: request.registryCaller?.subject },
          result.created ? 'member added' : 'member role set',
        );
        return reply.code(result.created ? 201 : 200).send(body(result.member));
      },
    );

    app.delete(
      '/tenants/:tenantId/members/:userId',
      { config: { registryScopes: ['registry:members'] } },
      async (request, reply) => {
        const params = memberParams.safeParse(request.params);
        if (!params.success) return sendError(reply, 400, 'INVALID_ID', describeIssues(params.error));
        const { tenantId, userId } = params.data;
        const result = await removeMember(db, tenantId, userId);
        if (isRefusal(result)) return refuse(reply, tenantId, result, userId);
        request.log.info(
          { tenantId, userId, removed: result.removed, by: request.registryCaller?.subject },
          'member removed',
        );
        return { tenant_id: tenantId, user_id: userId, removed: result.removed } satisfies MemberRemovedBody;
      },
    );

    app.post(
      '/tenants/:tenantId/transfer-ownership',
      { config: { registryScopes: ['registry:members'] } },
      async (request, reply) => {
        const params = tenantParams.safeParse(request.params);
        if (!params.success) return sendError(reply, 400, 'INVALID_TENANT_ID', describeIssues(params.error));
        const parsed = transferBodySchema.safeParse(request.body);
        if (!parsed.success) return sendError(reply, 400, 'INVALID_TRANSFER', describeIssues(parsed.error));
        const { tenantId } = params.data;
        const result = await transferOwnership(db, tenantId, parsed.data.to);
        if (isRefusal(result)) return refuse(reply, tenantId, result, parsed.data.to);
        request.log.info(
          { tenantId, owner: result.owner, previousOwner: result.previousOwner, by: request.registryCaller?.subject },
          result.changed ? 'ownership transferred' : 'ownership unchanged',
        );
        return {
          tenant_id: tenantId,
          owner: result.owner,
          previous_owner: result.previousOwner,
          changed: result.changed,
        } satisfies OwnershipTransferredBody;
      },
    );
  };
}
