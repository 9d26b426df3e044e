import type { FastifyPluginAsync } from 'fastify';
import { preferredWaitSeconds, type DeletionRunningBody } from '@tenant-deletion/contract';
import { KitHttpError } from '../api-errors';
import { legalHoldRefusal } from '../legal-hold-refusal';
import type { DeletionCoordinator } from '../deletion-coordinator';

/**
 * The Location a 202 names: 202 with progress while the job runs, 200 with the DELETE's body when done. A poll with
 * `Prefer: wait=N` is answered when the job ends or after N seconds (at most MAX_POLL_WAIT_SECONDS), whichever comes
 * first.
 */

/** A held poll keeps a connection open: no longer than this, whatever a caller asks. */
const MAX_POLL_WAIT_SECONDS = 30;

export interface JobRouteDeps {
  serviceName: string;
  coordinator: DeletionCoordinator;
}

export function jobRoutes(deps: JobRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { jobId: string } }>(
      '/deletions/:jobId',
      { config: { scope: 'tenant-data:delete' } },
      async (request, reply) => {
        const { jobId } = request.params;
        const wait = Math.min(preferredWaitSeconds(request.headers.prefer), MAX_POLL_WAIT_SECONDS);
        await deps.coordinator.waitForJob(jobId, wait * 1_000);
        const answer = await deps.coordinator.poll(jobId, request.log);
        if (!answer) throw new KitHttpError(404, 'NOT_FOUND', `no deletion job ${jobId} in this service`);
        switch (answer.kind) {
          case 'done':
            return reply.code(200).send(answer.body);
          case 'held':
            throw legalHoldRefusal(answer.tenantId, answer.hold);
          case 'failed':
            throw new KitHttpError(
              500,
              'DELETION_FAILED',
              `the deletion job failed: ${answer.message}; polling again retries it`,
            );
          case 'running':
            return reply.code(202).send({
              status: 'running',
              job_id: answer.run.runId,
              tenant_id: answer.run.tenantId,
              service_name: deps.serviceName,
              deleted_counts: answer.run.deletedCounts,
              started_at: answer.run.startedAt.toISOString(),
              updated_at: answer.run.updatedAt.toISOString(),
            } satisfies DeletionRunningBody);
        }
      },
    );
  };
}
