import { Kafka, logLevel } from 'kafkajs';
import { TOPICS, type TopicName } from '@tenant-deletion/contract';

/**
 * Request topics get several partitions so that many tenants flow in parallel while each
 * tenant's messages (keyed by tenantId) stay in one partition, in order.
 */
export const TOPIC_PARTITIONS: Record<TopicName, number> = {
  [TOPICS.serviceDeletionRequest]: 6,
  [TOPICS.tenantDeletionRequest]: 6,
  [TOPICS.serviceDeletionResult]: 3,
  [TOPICS.lifecycleEvents]: 3,
  [TOPICS.deadLetter]: 1,
};

export function stackKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'tenant-deletion-stack', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
}

/** How the topics are replicated: one copy on the dev profile's single broker. */
export interface TopicReplication {
  replicationFactor: number;
  minInsyncReplicas?: number;
}

/** Creates the contract topics that are missing; returns the names it created. */
export async function ensureTopics(
  brokers: string[],
  { replicationFactor, minInsyncReplicas }: TopicReplication = { replicationFactor: 1 },
): Promise<string[]> {
  const admin = stackKafka(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.entries(TOPIC_PARTITIONS).filter(([topic]) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([topic, numPartitions]) => ({
          topic,
          numPartitions,
          replicationFactor,
          configEntries:
            minInsyncReplicas === undefined ? [] : [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
        })),
      });
    }
    return missing.map(([topic]) => topic);
  } finally {
    await admin.disconnect();
  }
}

export async function missingTopics(brokers: string[]): Promise<string[]> {
  const admin = stackKafka(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return Object.keys(TOPIC_PARTITIONS).filter((topic) => !existing.has(topic));
  } finally {
    await admin.disconnect();
  }
}
