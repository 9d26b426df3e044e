import type { z } from 'zod';
import {
  deadLetterSchema,
  lifecycleEventSchema,
  serviceDeletionResultSchema,
  TOPICS,
  type TopicName,
} from '@tenant-deletion/contract';
import { serviceDeletionMessage, tenantDeletionMessage } from '../../client/bridge/request-messages';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

/** Every Kafka message of the contract, each published as docs/contract/kafka/<name>.schema.json. */

export interface KafkaMessage {
  /** The file's name, and how docs/contract.md names the message's examples. */
  name: string;
  topic: TopicName;
  schema: z.ZodType;
  description: string;
}

const WE_PRODUCE =
  'Produced by the orchestrator. It only ever gains optional fields (and enum values are documented before they ' +
  'appear): consumers must ignore fields they do not know.';

const WE_CONSUME =
  'Consumed by the bridge, strictly: an unknown field, in the envelope or the payload, sends the message to ' +
  'tenant.deletion.dlq as INVALID_MESSAGE naming the field, and nothing is deleted. Every message is signed: ' +
  "without a valid `authorization` token it goes to the DLQ as UNAUTHENTICATED, and when the token's subject may " +
  'not delete the tenant as FORBIDDEN. Validate against this schema before sending.';

export const KAFKA_MESSAGES: readonly KafkaMessage[] = [
  {
    name: 'tenant-deletion-request',
    topic: TOPICS.tenantDeletionRequest,
    schema: tenantDeletionMessage,
    description: `Delete a whole tenant: every active service instance it has. ${WE_CONSUME}`,
  },
  {
    name: 'service-deletion-request',
    topic: TOPICS.serviceDeletionRequest,
    schema: serviceDeletionMessage,
    description: `Delete one service instance of a tenant. ${WE_CONSUME}`,
  },
  {
    name: 'service-deletion-result',
    topic: TOPICS.serviceDeletionResult,
    schema: serviceDeletionResultSchema,
    description: `One service instance outcome, per request that asked for it. ${WE_PRODUCE}`,
  },
  {
    name: 'lifecycle-event',
    topic: TOPICS.lifecycleEvents,
    schema: lifecycleEventSchema,
    description: `A tenant milestone: TENANT_EMPTY, then TENANT_DELETED for a whole-tenant deletion. ${WE_PRODUCE}`,
  },
  {
    name: 'dead-letter',
    topic: TOPICS.deadLetter,
    schema: deadLetterSchema,
    description: `A request message the bridge did not hand over, and why. ${WE_PRODUCE}`,
  },
];

export function kafkaSchemaPath(message: KafkaMessage): string {
  return `docs/contract/kafka/${message.name}.schema.json`;
}

export function kafkaSchemaDocument(message: KafkaMessage): JsonSchema {
  const { $schema, ...schema } = jsonSchemaOf(message.schema);
  return { $schema, title: message.topic, description: message.description, ...schema };
}
