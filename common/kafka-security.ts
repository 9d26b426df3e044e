import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';

/**
 * How every Kafka client of the orchestrator reaches a secured cluster: the bridge (consumer and DLQ producer) and
 * the workers (result and lifecycle events) read the same variables, so one set of credentials secures them all.
 * The local stack is plaintext. The password is never logged or echoed.
 */

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

export const kafkaSecurityVariables = {
  KAFKA_SSL: flag
    .default(false)
    .describe('`true`: TLS to the brokers, for the bridge and the workers alike (the local stack is plaintext).'),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
    .optional()
    .describe('`plain`, `scram-sha-256` or `scram-sha-512`; needs the username and password.'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('The SASL user.'),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional().describe('The SASL password; never logged or echoed.'),
};

export type KafkaSecuritySettings = z.infer<z.ZodObject<typeof kafkaSecurityVariables>>;

/** SASL without its credentials would fail at the first connection, long after start-up: refused at once. */
export function checkKafkaSecurity(config: KafkaSecuritySettings, ctx: z.RefinementCtx): void {
  if (config.KAFKA_SASL_MECHANISM && !(config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD)) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_SASL_MECHANISM'],
      message: 'needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    });
  }
}

/** The kafkajs connection settings these variables describe. */
export function kafkaSecurity(config: KafkaSecuritySettings): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const sasl: SASLOptions | undefined = config.KAFKA_SASL_MECHANISM
    ? ({
        mechanism: config.KAFKA_SASL_MECHANISM,
        username: config.KAFKA_SASL_USERNAME!,
        password: config.KAFKA_SASL_PASSWORD!,
      } as SASLOptions)
    : undefined;
  return { ssl: config.KAFKA_SSL, ...(sasl ? { sasl } : {}) };
}

/** For start-up logs: whether TLS and which SASL mechanism and user, never the password. */
export function describeKafkaSecurity(config: KafkaSecuritySettings): string {
  const tls = config.KAFKA_SSL ? 'TLS' : 'plaintext';
  return config.KAFKA_SASL_MECHANISM
    ? `${tls}, SASL ${config.KAFKA_SASL_MECHANISM} as ${config.KAFKA_SASL_USERNAME}`
    : tls;
}
