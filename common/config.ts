import { z } from 'zod';

/**
 * The environment the contract pins, with the local stack's defaults. Every program reads its
 * settings through loadConfig so that a bad value is reported once, naming the variable.
 */

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

const positiveInt = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be greater than 0');

export const configSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('localhost:7233'),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name')
    .default('default'),
  KAFKA_BROKERS: z
    .string()
    .default('localhost:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(hostPort).min(1, 'must list at least one broker')),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .default('postgres://postgres@localhost:5432/tenant_deletion'),
  SERVICE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit secret)').optional(),
  APPROVAL_THRESHOLD_RECORDS: positiveInt.default(1_000_000),
  /** Whole-tenant deletions that may start in the rolling window before the next ones wait for approval. */
  BLAST_RADIUS_MAX_WHOLE_TENANT: positiveInt.default(50),
  BLAST_RADIUS_WINDOW_HOURS: positiveInt.default(24),
  /** Whole-tenant, non-GDPR deletions wait this long after the suspend; a cancel in that time restores the tenant. */
  GRACE_PERIOD_SECONDS: z.coerce.number({ error: 'must be a whole number' }).int().min(0).default(0),
  TENANT_REGISTRY_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
    .default('http://localhost:8100')
    .transform((url) => url.replace(/\/+$/, '')),
});

export type Config = z.infer<typeof configSchema>;

/** Variables whose values may hold credentials, so errors never echo them. */
const SECRET_BEARING = new Set(['SERVICE_TOKEN_SECRET', 'DATABASE_URL']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty variables count as unset, as shells and compose files often export them empty. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        const shown = SECRET_BEARING.has(variable) ? '' : ` (got ${JSON.stringify(env[variable])})`;
        return `${variable} ${issue.message}${shown}`;
      }),
    );
  }
  return parsed.data;
}
