import { Context, sleep } from '@temporalio/activity';
import type pg from 'pg';
import { type DeletedCounts, FAILURE_TYPES } from '@tenant-deletion/contract';
import type { WorkerConfig } from '../common/worker-config';
import { settingsFor } from '../common/worker-config';
import { recordInProgress } from '../db/ledger';
import { setInstanceStatus } from '../db/service-instances';
import { resumableProgress } from './delete-progress';
import { type DeleteAnswer, ServiceClient, type ServiceCall } from '@tenant-deletion/contract/service-client';
import type { TokenSigner } from '@tenant-deletion/contract/service-token';
import { serviceFailure } from './service-failures';

/** Activities that talk to one service instance; they run on that service type's bulkhead queue. */

const FIRST_POLL_MS = 50;
/** How often a long request heartbeats, at most. */
const HEARTBEAT_EVERY_MS = 5_000;

export interface InstanceTarget {
  tenantId: string;
  serviceInstanceId: string;
  serviceType: string;
  baseUrl: string;
  traceId: string;
}

export interface DeleteInstanceInput extends InstanceTarget {
  requestIds: string[];
  /** Sent as Idempotency-Key: the same for retries of one run, new for an admin's retryFailed. */
  idempotencyKey: string;
}

export interface DeleteInstanceResult {
  deletedCounts: DeletedCounts;
  attempt: number;
}

export interface InstanceActivityDeps {
  db: pg.Pool;
  /** The orchestrator's token signer: only the workers hold its key. */
  signer: TokenSigner;
  workerConfig: WorkerConfig;
}

export function createInstanceActivities({ db, signer, workerConfig }: InstanceActivityDeps) {
  const client = new ServiceClient(signer, 'orchestrator', serviceFailure);

  function callFor(target: InstanceTarget): ServiceCall {
    const context = Context.current();
    const settings = settingsFor(workerConfig, target.serviceType);
    return {
      baseUrl: target.baseUrl,
      serviceType: target.serviceType,
      tenantId: target.tenantId,
      traceId: target.traceId,
      serviceInstanceId: target.serviceInstanceId,
      attempt: context.info.attempt,
      requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
      signal: context.cancellationSignal,
    };
  }

  /**
   * Heartbeats while a long request is open, so a dead worker is noticed and cancellation reaches us. Each beat
   * carries the activity's latest details, if it has any: Temporal keeps only the last beat's, so a beat without
   * them would erase what an earlier one recorded.
   */
  async function heartbeating<T>(work: Promise<T>, details: () => unknown = () => undefined): Promise<T> {
    const context = Context.current();
    // Well inside the heartbeat timeout, however short a type's is set (the SDK throttles what reaches the server).
    const every = Math.min(HEARTBEAT_EVERY_MS, (context.info.heartbeatTimeoutMs ?? Infinity) / 3);
    const beat = setInterval(() => context.heartbeat(details()), every);
    try {
      return await work;
    } finally {
      clearInterval(beat);
    }
  }

  return {
    async previewInstance(target: InstanceTarget): Promise<DeletedCounts> {
      return (await heartbeating(client.preview(callFor(target)))).counts;
    },

    /**
     * Deletes the tenant's data in one instance and proves it: DELETE (following 202 + Location), then a
     * preview that must show zero rows. One activity, so an instance costs few round trips. A 202's Location goes
     * into the heartbeats, so that the next attempt, after a worker died or drained mid-poll, polls that job again
     * rather than sending another DELETE.
     */
    async deleteInstance(input: DeleteInstanceInput): Promise<DeleteInstanceResult> {
      const context = Context.current();
      const call = callFor(input);
      const settings = settingsFor(workerConfig, input.serviceType);
      // Two tables, no ordering between them: one round trip instead of two.
      await Promise.all([
        setInstanceStatus(db, input.tenantId, input.serviceInstanceId, 'DELETING'),
        recordInProgress(db, input.tenantId, input.serviceInstanceId, input.requestIds, call.attempt),
      ]);

      let progress = resumableProgress(context.info.heartbeatDetails);
      const latest = () => progress;
      let answer: DeleteAnswer | undefined;
      if (progress) {
        context.log.info('resuming the deletion job an earlier attempt was polling', { location: progress.location });
        answer = await heartbeating(client.resume(call, progress.location), latest);
      }
      if (!answer) {
        // The first attempt, or the service no longer knows that job: the same key makes this DELETE a replay.
        progress = undefined;
        answer = await heartbeating(client.delete(call, input.idempotencyKey), latest);
      }
      for (let polls = 0; !answer.done; polls++) {
        progress = { location: answer.location };
        context.heartbeat(progress);
        // Quick first looks catch a short background job as it ends; a long one is polled at the set interval.
        await sleep(Math.min(settings.pollIntervalMs, FIRST_POLL_MS * 2 ** polls));
        answer = await heartbeating(client.poll(call, answer.location), latest);
      }

      const { counts } = await heartbeating(client.preview(call), latest);
      const left = Object.entries(counts).filter(([, n]) => n > 0);
      if (left.length > 0) {
        throw serviceFailure(
          FAILURE_TYPES.underDeletion,
          `under-deletion: ${left.map(([table, n]) => `${table} still holds ${n} rows`).join(', ')} after ${input.serviceType} reported success`,
          { attempt: call.attempt },
        );
      }
      await setInstanceStatus(db, input.tenantId, input.serviceInstanceId, 'DELETED');
      // Inside the activity's span: the line carries its trace_id and span_id (docs/logging.md).
      context.log.info('instance deleted and verified empty', {
        tenantId: input.tenantId,
        serviceInstanceId: input.serviceInstanceId,
        serviceType: input.serviceType,
        deletedCounts: answer.deletedCounts,
      });
      return { deletedCounts: answer.deletedCounts, attempt: call.attempt };
    },

    /** After a cancel: what is left, and the inventory status that tells the truth about it. */
    async settleCancelledInstance(target: InstanceTarget): Promise<DeletedCounts> {
      const { counts, total } = await heartbeating(client.preview(callFor(target)));
      await setInstanceStatus(db, target.tenantId, target.serviceInstanceId, total === 0 ? 'DELETED' : 'ACTIVE');
      return counts;
    },
  };
}

export type InstanceActivities = ReturnType<typeof createInstanceActivities>;
