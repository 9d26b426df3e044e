import { Kafka, logLevel, Partitioners, type KafkaConfig, type Producer } from 'kafkajs';
import type { Config } from './config';
import { kafkaSecurity } from './kafka-security';
import { kafkaLogCreator } from './logging/kafka-log';

/**
 * kafkajs stays behind this module so that the client library can be swapped without touching the bridge,
 * the activities or the tests' assertions.
 */

export function kafkaClient(
  brokers: string[],
  clientId: string,
  security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(clientId),
    retry: { retries: 5 },
    ...security,
  });
}

export interface OutgoingMessage {
  topic: string;
  /** tenantId on every topic, so one tenant's messages stay in order. */
  key: string;
  /** Deterministic per event, so a consumer can drop the duplicates an activity retry produces. */
  eventId: string;
  value: unknown;
  /** Sent besides `event-id`: the W3C `traceparent` of the span that wrote the event (docs/tracing.md). */
  headers?: Record<string, string>;
}

export interface EventPublisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Where the brokers are and how to reach them securely: every producer of the orchestrator takes them together. */
export type KafkaSettings = Pick<
  Config,
  'KAFKA_BROKERS' | 'KAFKA_SSL' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'
>;

export async function kafkaPublisher(kafka: KafkaSettings, clientId: string): Promise<EventPublisher> {
  // The default (Java-compatible murmur2) partitioner puts a tenant's messages where Java clients would; an
  // idempotent producer must not cap its retries, so the activity's own timeout bounds a send instead.
  const producer: Producer = kafkaClient(kafka.KAFKA_BROKERS, clientId, kafkaSecurity(kafka)).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
  });
  await producer.connect();
  return {
    async publish(messages) {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const message of messages) byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((message) => ({
            key: message.key,
            value: JSON.stringify(message.value),
            headers: { ...message.headers, 'event-id': message.eventId },
          })),
        })),
      });
    },
    close: () => producer.disconnect(),
  };
}
