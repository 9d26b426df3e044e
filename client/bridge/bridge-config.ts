import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { parseEnvironment } from '../../common/config';

/**
 * The bridge's own settings, beside the shared ones in common/config.ts. Kafka TLS and SASL are for real
 * clusters; the local stack is plaintext. Secret values are never echoed in errors.
 */

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const positiveInt = z.coerce.number({ error: 'must be a whole number' }).int().positive('must be greater than 0');

export const bridgeConfigSchema = z
  .object({
    BRIDGE_PORT: z.coerce
      .number({ error: 'must be a port' })
      .int()
      .min(0)
      .max(65_535)
      .default(9466)
      .describe("The bridge's `/healthz` and Prometheus `/metrics` port."),
    BRIDGE_GROUP_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a Kafka group id')
      .default('tenant-deletion-bridge')
      .describe("The bridge's Kafka consumer group; a group with committed offsets resumes from them."),
    BRIDGE_MAX_IN_FLIGHT: positiveInt
      .max(256)
      .default(32)
      .describe('Hand-overs to Temporal open at once, across partitions (at most 256).'),
    BRIDGE_MAX_MESSAGE_BYTES: positiveInt
      .default(65_536)
      .describe('A larger message goes to the DLQ as `TOO_LARGE`, keeping its first bytes.'),
    // A new group must never replay history; every retained message read is still checked for age and in the ledger.
    BRIDGE_FROM_BEGINNING: flag
      .default(false)
      .describe(
        "Where a group without committed offsets starts: `false` at the topics' end, `true` at their beginning.",
      ),
    KAFKA_SSL: flag.default(false).describe('`true`: TLS to the brokers (the local stack is plaintext).'),
    KAFKA_SASL_MECHANISM: z
      .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
      .optional()
      .describe('`plain`, `scram-sha-256` or `scram-sha-512`; needs the username and password.'),
    KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('The SASL user.'),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional().describe('The SASL password; never logged or echoed.'),
  })
  .refine((config) => !config.KAFKA_SASL_MECHANISM || (config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD), {
    message: 'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    path: ['KAFKA_SASL_MECHANISM'],
  });

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

export function loadBridgeConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  return parseEnvironment(bridgeConfigSchema, env, new Set(['KAFKA_SASL_PASSWORD']));
}

/** The kafkajs connection settings these variables describe. */
export function kafkaSecurity(config: BridgeConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const sasl: SASLOptions | undefined = config.KAFKA_SASL_MECHANISM
    ? ({
        mechanism: config.KAFKA_SASL_MECHANISM,
        username: config.KAFKA_SASL_USERNAME!,
        password: config.KAFKA_SASL_PASSWORD!,
      } as SASLOptions)
    : undefined;
  return { ssl: config.KAFKA_SSL, ...(sasl ? { sasl } : {}) };
}
