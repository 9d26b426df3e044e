import { Context, sleep } from '@temporalio/activity';
import type pg from 'pg';
import type { DeletedCounts } from '../common/deletion-outcome';
import type { WorkerConfig } from '../common/worker-config';
import { settingsFor } from '../common/worker-config';
import { recordInProgress } from '../db/ledger';
import { setInstanceStatus } from '../db/service-instances';
import { ServiceClient, type ServiceCall } from './service-client';
import { FAILURE_TYPES, serviceFailure } from './service-failures';

/** Activities that talk to one service instance; they run on that service type's bulkhead queue. */

const FIRST_POLL_MS = 50;

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
  secret: string;
  workerConfig: WorkerConfig;
}

export function createInstanceActivities({ db, secret, workerConfig }: InstanceActivityDeps) {
  const client = new ServiceClient(secret, 'orchestrator');

  function callFor(target: InstanceTarget): ServiceCall {
    const context = Context.current();
    const settings = settingsFor(workerConfig, target.serviceType);
    return {
      baseUrl: target.baseUrl,
      serviceType: target.serviceType,
      tenantId: target.tenantId,
      traceId: target.traceId,
      attempt: context.info.attempt,
      requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
      signal: context.cancellationSignal,
    };
  }

  /** Heartbeats while a long request is open, so a dead worker is noticed and cancellation reaches us. */
  async function heartbeating<T>(work: Promise<T>): Promise<T> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), 5_000);
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
     * preview that must show zero rows. One activity, so an instance costs few round trips.
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

      let answer = await heartbeating(client.delete(call, input.idempotencyKey));
      for (let polls = 0; !answer.done; polls++) {
        context.heartbeat();
        // Quick first looks catch a short background job as it ends; a long one is polled at the set interval.
        await sleep(Math.min(settings.pollIntervalMs, FIRST_POLL_MS * 2 ** polls));
        answer = await heartbeating(client.poll(call, answer.location));
      }

      const { counts } = await heartbeating(client.preview(call));
      const left = Object.entries(counts).filter(([, n]) => n > 0);
      if (left.length > 0) {
        throw serviceFailure(
          FAILURE_TYPES.underDeletion,
          `under-deletion: ${left.map(([table, n]) => `${table} still holds ${n} rows`).join(', ')} after ${input.serviceType} reported success`,
          { attempt: call.attempt },
        );
      }
      await setInstanceStatus(db, input.tenantId, input.serviceInstanceId, 'DELETED');
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
