import type { FastifyPluginAsync } from 'fastify';
import pg from 'pg';
import { z } from 'zod';
import { sendAnswer } from '../answer';
import { describeIssues, KitHttpError } from '../api-errors';
import type { TableLocation } from '../catalog';
import { qualifiedName } from '../deletion-statements';
import type { IdempotencyStore } from '../idempotency';
import { answerOnce } from '../idempotency';

/**
 * The one write every kit service offers: an audit event. It stands for all of a service's writes in
 * the suspension guarantee: once the registry has suspended a tenant, nothing new is written for it,
 * so a deletion cannot be outrun by fresh rows.
 */

export const auditEventSchema = z.object({ action: z.string().trim().min(1).max(200) });

export interface WriteRouteDeps {
  db: pg.Pool;
  /** Where audit events go (the coverage guard checked it exists, with the columns needed). */
  auditTable: TableLocation;
  tenantColumn: string;
  idempotency: IdempotencyStore;
  isSuspended?: (tenantId: string) => Promise<boolean>;
}

export function writeRoutes(deps: WriteRouteDeps): FastifyPluginAsync {
  const insert =
    `INSERT INTO ${qualifiedName(deps.auditTable)} (${pg.escapeIdentifier(deps.tenantColumn)}, action, created_at) ` +
    'VALUES ($1, $2, now()) RETURNING created_at';

  return async (app) => {
    app.post<{ Params: { tenantId: string } }>(
      '/tenant/:tenantId/audit-events',
      { config: { scope: 'any-service-token' } },
      async (request, reply) => {
        const { tenantId } = request.params;
        const body = auditEventSchema.safeParse(request.body);
        if (!body.success) throw new KitHttpError(400, 'INVALID_REQUEST', describeIssues(body.error));
        const answer = await answerOnce(
          deps.idempotency,
          request.headers['idempotency-key'],
          tenantId,
          'audit-event',
          async () => {
            await refuseWhenSuspended(deps.isSuspended, tenantId);
            const { rows } = await deps.db.query<{ created_at: Date }>(insert, [tenantId, body.data.action]);
            return {
              status: 201,
              body: { tenant_id: tenantId, action: body.data.action, created_at: rows[0].created_at.toISOString() },
            };
          },
        );
        return sendAnswer(reply, answer);
      },
    );
  };
}

/** Fails closed: when the registry cannot say, the write waits for a retry rather than risk outrunning a deletion. */
async function refuseWhenSuspended(
  isSuspended: ((tenantId: string) => Promise<boolean>) | undefined,
  tenantId: string,
): Promise<void> {
  if (!isSuspended) return;
  let suspended: boolean;
  try {
    suspended = await isSuspended(tenantId);
  } catch {
    throw new KitHttpError(
      503,
      'REGISTRY_UNAVAILABLE',
      `could not learn whether tenant ${tenantId} is suspended; retry`,
      1,
    );
  }
  if (suspended) {
    throw new KitHttpError(
      423,
      'TENANT_SUSPENDED',
      `tenant ${tenantId} is suspended: writes are refused while it is deleted`,
    );
  }
}
