import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { DeletionAcceptedBody } from '@tenant-deletion/contract';
import type { Answer } from '../answer';
import { sendAnswer } from '../answer';
import { legalHoldRefusal } from '../legal-hold-refusal';
import { previewBody } from '../contract-bodies';
import type { DeletionCoordinator } from '../deletion-coordinator';
import type { IdempotencyStore } from '../idempotency';
import { answerOnce } from '../idempotency';
import type { TenantDataCounter } from '../tenant-data';

/** The contract's preview and DELETE of one tenant's data. */

export interface DeletionRouteDeps {
  db: pg.Pool;
  serviceName: string;
  /** The base URL's path, e.g. /api/v1/orders: job Locations live under it. */
  basePath: string;
  counter: TenantDataCounter;
  coordinator: DeletionCoordinator;
  idempotency: IdempotencyStore;
}

type TenantRequest = { Params: { tenantId: string } };

/** Absolute, under the base URL the caller used, so that it works behind whatever name the service has. */
export function jobLocation(request: FastifyRequest, basePath: string, jobId: string): string {
  return `${request.protocol}://${request.host}${basePath}/deletions/${jobId}`;
}

export function deletionRoutes(deps: DeletionRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<TenantRequest>(
      '/tenant/:tenantId/deletion-preview',
      { config: { scope: 'tenant-data:preview' } },
      async (request) => {
        const { tenantId } = request.params;
        const client = await deps.db.connect();
        try {
          const { counts } = await deps.counter.count(client, tenantId);
          return previewBody(deps.serviceName, tenantId, counts);
        } finally {
          client.release();
        }
      },
    );

    app.delete<TenantRequest>(
      '/tenant/:tenantId',
      { config: { scope: 'tenant-data:delete' } },
      async (request, reply) => {
        const { tenantId } = request.params;
        const answer = await answerOnce(
          deps.idempotency,
          request.headers['idempotency-key'],
          tenantId,
          'delete-tenant',
          async (): Promise<Answer> => {
            const outcome = await deps.coordinator.requestDeletion(tenantId, request.log);
            if (outcome.kind === 'held') throw legalHoldRefusal(outcome.tenantId, outcome.hold);
            if (outcome.kind === 'done') return { status: 200, body: outcome.body };
            const location = jobLocation(request, deps.basePath, outcome.runId);
            return {
              status: 202,
              headers: { location },
              body: {
                tenant_id: tenantId,
                service_name: deps.serviceName,
                job_id: outcome.runId,
                status: 'running',
                location,
              } satisfies DeletionAcceptedBody,
            };
          },
        );
        return sendAnswer(reply, answer);
      },
    );
  };
}
