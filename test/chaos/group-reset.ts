import type { Client } from '@temporalio/client';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TOPICS } from '@tenant-deletion/contract';

/**
 * A consumer-group reset in the middle of a run, as an operator does it (`kafka-consumer-groups --reset-offsets
 * --to-datetime`): the bridge is stopped, its group moved back to where the run's requests begin, and the bridge
 * restarted, so it reads every request of the run again, those whose deletion ended and those still running. No
 * instance may be deleted a second time: each (tenant, instance) keeps one deletion chain (one child workflow run
 * that did not merely continue as new).
 */

const REQUEST_TOPICS = [TOPICS.tenantDeletionRequest, TOPICS.serviceDeletionRequest];

/** Per topic and partition, an offset in the request topics. */
export type RequestOffsets = Record<string, { partition: number; offset: string }[]>;

export interface GroupResetEvidence {
  /** Requests between the rewound offsets and the topics' end at the reset: all read a second time. */
  replayedMessages: number;
  /** Whether the restarted bridge's group had committed up to that end when the run was checked. */
  caughtUp: boolean;
  /** (tenant, instance) pairs with more than one deletion chain. */
  doubleDeletions: number;
  ok: boolean;
}

async function withAdmin<T>(brokers: string[], use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'chaos-group-reset', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Where the request topics end now: the run's first request will be at these offsets. Right after the run restarts
 * the broker, a partition's leadership may still be moving (NOT_LEADER_FOR_PARTITION, retriable): asked again with a
 * fresh client, whose metadata is new, for up to a minute.
 */
export async function requestTopicEnds(brokers: string[]): Promise<RequestOffsets> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await withAdmin(brokers, async (admin) => {
        const ends: RequestOffsets = {};
        for (const topic of REQUEST_TOPICS) {
          ends[topic] = (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
            partition,
            offset: high,
          }));
        }
        return ends;
      });
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * Moves the (stopped) bridge's group back to `to`; returns how many requests it will read again. Kafka refuses
 * while the group still has members, so it retries until the stopped bridge's membership is gone.
 */
export async function rewindGroup(brokers: string[], groupId: string, to: RequestOffsets): Promise<number> {
  const ends = await requestTopicEnds(brokers);
  const deadline = Date.now() + 60_000;
  await withAdmin(brokers, async (admin) => {
    for (;;) {
      try {
        for (const topic of REQUEST_TOPICS) await admin.setOffsets({ groupId, topic, partitions: to[topic] });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  });
  return distance(to, ends);
}

function distance(from: RequestOffsets, to: RequestOffsets): number {
  let total = 0;
  for (const topic of REQUEST_TOPICS) {
    for (const { partition, offset } of to[topic]) {
      total += Number(offset) - Number(from[topic].find((p) => p.partition === partition)?.offset ?? offset);
    }
  }
  return total;
}

/** Whether the group has committed up to `ends` in every partition. */
export function groupCaughtUp(brokers: string[], groupId: string, ends: RequestOffsets): Promise<boolean> {
  return withAdmin(brokers, async (admin) => {
    const committed = await admin.fetchOffsets({ groupId, topics: REQUEST_TOPICS });
    return committed.every(({ topic, partitions }) =>
      partitions.every(
        ({ partition, offset }) =>
          Number(offset) >= Number(ends[topic].find((p) => p.partition === partition)?.offset ?? 0),
      ),
    );
  });
}

/** (tenant, instance) pairs with more than one deletion chain, read from the Temporal server's visibility. */
export async function doubleDeletions(client: Client, tenants: readonly string[]): Promise<number> {
  let doubled = 0;
  for (const tenantId of tenants) {
    const chains = new Map<string, number>();
    const query =
      `WorkflowType = "ServiceInstanceDeletionWorkflow" AND TenantId = "${tenantId}" ` +
      `AND ExecutionStatus != "ContinuedAsNew"`;
    for await (const run of client.workflow.list({ query })) {
      chains.set(run.workflowId, (chains.get(run.workflowId) ?? 0) + 1);
    }
    doubled += [...chains.values()].filter((n) => n > 1).length;
  }
  return doubled;
}
