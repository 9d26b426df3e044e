import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '../common/contract';

/**
 * Moves a new consumer group to the end of the request topics. The local broker keeps every earlier run's requests
 * (tests, benchmarks), and a bridge group that reads that backlog first makes a test or a measurement wrong.
 */
export async function skipRequestBacklog(brokers: string[], groupId: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-backlog', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    for (const topic of [TOPICS.serviceDeletionRequest, TOPICS.tenantDeletionRequest]) {
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
