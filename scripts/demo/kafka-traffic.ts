import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type Producer } from 'kafkajs';
import { TOPICS } from '@tenant-deletion/contract';
import { kafkaClient } from '../../common/kafka-client';
import { startAtEnd } from '../kafka-backlog';
import { devRequestSigner, type RequestSigner } from './request-signer';

/**
 * The demo's side of Kafka: it asks for deletions the way an upstream system would (request topics, keyed by
 * tenant, each request signed) and reads the results and lifecycle events the orchestrator publishes from the
 * moment it opens. Unless told otherwise it signs as the local stack's requesting system (request-signer.ts).
 */

export interface ResultMessage {
  eventId: string;
  requestId: string;
  tenantId: string;
  serviceInstanceId: string;
  status: string;
  failureReason: string | null;
  deletedCounts: Record<string, number>;
}

export interface LifecycleMessage {
  type: string;
  tenantId: string;
  certificateId: string | null;
  /** The `event-id` header: the same for duplicates an activity retry produced. */
  eventId: string;
}

export class KafkaTraffic {
  readonly results: ResultMessage[] = [];
  readonly lifecycle: LifecycleMessage[] = [];
  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly sign: RequestSigner,
  ) {}

  static async open(
    brokers: string[],
    tenants: string[],
    sign: RequestSigner = devRequestSigner(),
  ): Promise<KafkaTraffic> {
    // A missing issuer key stops the tool here, before it connects, rather than at its first request.
    await sign();
    const kafka = kafkaClient(brokers, 'tenant-deletion-demo');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const groupId = `tenant-deletion-demo-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    const topics = [TOPICS.serviceDeletionResult, TOPICS.lifecycleEvents];
    // Only what follows matters, and the topics can hold millions of earlier events.
    await startAtEnd(brokers, groupId, topics);
    await Promise.all([producer.connect(), consumer.connect()]);
    const traffic = new KafkaTraffic(producer, consumer, sign);
    await consumer.subscribe({ topics });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!tenants.includes(message.key?.toString() ?? '')) return;
        const value = JSON.parse(message.value!.toString());
        const eventId = message.headers?.['event-id']?.toString() ?? '';
        if (topic === TOPICS.serviceDeletionResult) traffic.results.push({ ...value, eventId });
        else traffic.lifecycle.push({ ...value, eventId });
      },
    });
    return traffic;
  }

  async requestTenantDeletion(tenantId: string, traceId: string, gdprMode: boolean, reason: string): Promise<void> {
    await this.send(TOPICS.tenantDeletionRequest, tenantId, {
      traceId,
      key: tenantId,
      authorization: await this.sign(),
      // No requestedBy: the bridge records the token's subject.
      payload: {
        tenantId,
        timestamp: new Date().toISOString(),
        gdprMode,
        dryRun: false,
        reason,
      },
    });
  }

  async requestInstanceDeletion(tenantId: string, serviceType: string, serviceInstanceId: string, traceId: string) {
    await this.send(TOPICS.serviceDeletionRequest, tenantId, {
      traceId,
      key: tenantId,
      authorization: await this.sign(),
      payload: {
        tenantId,
        serviceType,
        serviceInstanceId,
        timestamp: new Date().toISOString(),
        gdprMode: false,
      },
    });
  }

  /** Waits for a message the predicate accepts, or throws after the timeout naming what it waited for. */
  async waitFor<T>(list: T[], accept: (message: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = list.find(accept);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
  }

  private async send(topic: string, key: string, value: unknown): Promise<void> {
    await this.producer.send({ topic, messages: [{ key, value: JSON.stringify(value) }] });
  }
}
