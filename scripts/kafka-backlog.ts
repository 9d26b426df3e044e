import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '@tenant-deletion/contract';

/**
 * The local broker keeps every earlier run's messages (tests, benchmarks, demos). A new consumer group that reads
 * that backlog first makes a test slow or a measurement wrong, so test and bench readers start at the end.
 */

/** Moves a new consumer group to the current end of the topics, before it subscribes. */
export async function startAtEnd(brokers: string[], groupId: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'test-backlog', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** For a bridge group: only requests produced from now on. */
export function skipRequestBacklog(brokers: string[], groupId: string): Promise<void> {
  return startAtEnd(brokers, groupId, [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest]);
}
