import { z } from 'zod';
import { parseEnvironment } from '../../common/config';

/**
 * The bridge's own settings, beside the shared ones in common/config.ts (which hold Kafka TLS and SASL too, read by
 * the workers' producer as well: common/kafka-security.ts).
 */

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const positiveInt = z.coerce.number({ error: 'must be a whole number' }).int().positive('must be greater than 0');

export const bridgeConfigSchema = z.object({
  BRIDGE_PORT: z.coerce
    .number({ error: 'must be a port' })
    .int()
    .min(0)
    .max(65_535)
    .default(9466)
    .describe("The bridge's `/livez` (alias `/healthz`), `/readyz` and Prometheus `/metrics` port."),
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
    .describe("Where a group without committed offsets starts: `false` at the topics' end, `true` at their beginning."),
});

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

export function loadBridgeConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  return parseEnvironment(bridgeConfigSchema, env);
}
