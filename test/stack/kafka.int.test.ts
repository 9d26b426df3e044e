import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { loadConfig } from '../../common/config';
import { TOPICS } from '@tenant-deletion/contract';
import { TOPIC_PARTITIONS } from '../../scripts/stack/kafka-topics';

const kafka = new Kafka({ clientId: 'stack-test', brokers: loadConfig().KAFKA_BROKERS, logLevel: logLevel.NOTHING });
let producer: Producer;
let consumer: Consumer;

beforeAll(async () => {
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await consumer?.disconnect();
  await producer.disconnect();
});

describe('the local Kafka broker', () => {
  it('has the five contract topics with their partitions', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(TOPICS) });
      const partitions = Object.fromEntries(topics.map((topic) => [topic.name, topic.partitions.length]));
      expect(partitions).toEqual(TOPIC_PARTITIONS);
    } finally {
      await admin.disconnect();
    }
  });

  it('round-trips messages keyed by tenant, each tenant in one partition and in order', async () => {
    const topic = TOPICS.lifecycleEvents;
    const run = randomUUID();
    const tenants = ['tenant-a', 'tenant-b', 'tenant-c'].map((tenant) => `${tenant}-${run}`);
    const sent = tenants.flatMap((tenantId) => [0, 1, 2].map((seq) => ({ tenantId, seq })));

    consumer = kafka.consumer({ groupId: `stack-test-${run}` });
    await consumer.connect();
    // From the beginning: a fresh broker resolves "latest" only after the group's first join, which can miss our sends.
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; partition: number; seq: number }[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const key = message.key?.toString() ?? '';
          if (!tenants.includes(key)) return;
          received.push({ key, partition, seq: JSON.parse(message.value!.toString()).seq });
          if (received.length === sent.length) resolve();
        },
      });
    });
    await new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));

    await producer.send({
      topic,
      messages: sent.map((message) => ({ key: message.tenantId, value: JSON.stringify(message) })),
    });
    await done;

    for (const tenantId of tenants) {
      const mine = received.filter((message) => message.key === tenantId);
      expect(mine.map((message) => message.seq)).toEqual([0, 1, 2]);
      expect(new Set(mine.map((message) => message.partition)).size).toBe(1);
    }
  });
});
