import { z } from 'zod';
import { ConfigError } from './config-error';
import { checkKafkaSecurity, kafkaSecurityVariables } from './kafka-security';
import { withTemporalProfile } from './temporal-profile';

export { ConfigError };

/**
 * The environment the contract pins, with the local stack's defaults. Every program reads its
 * settings through loadConfig so that a bad value is reported once, naming the variable. The Temporal
 * connection may also come from Temporal's standard profile file (temporal-profile.ts), below these variables.
 */

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233');

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/** A file read when connecting, where a missing or unreadable one is reported naming its variable. */
const filePath = z.string().min(1);

/** PEM text given inline; what it holds is checked when the connection is built, like a file's. */
const pem = z.string().min(1);

/** Where a token authority's public keys are: fetched (and refetched on an unknown `kid`) or read from a file. */
const jwksLocation = z
  .string()
  .regex(/^(https?:\/\/|file:\/\/)|^[^:]+$/, 'must be an http(s):// or file:// URL, or a file path');

const jwksHelp = (whose: string) =>
  `Where services find ${whose} public keys (a JWKS): an http(s) URL, fetched and cached, or a file; ` +
  "unset: the local stack's file. Public: holding it never lets anyone mint a token.";

const positiveInt = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be greater than 0');

const variablesSchema = z.object({
  TEMPORAL_CONFIG_FILE: filePath
    .optional()
    .describe(
      "Temporal's standard client config file (TOML profiles, as the `temporal` CLI writes them); unset: " +
        '`~/.config/temporalio/temporal.toml` when it exists. The `TEMPORAL_*` variables override its profile.',
    ),
  TEMPORAL_PROFILE: z
    .string()
    .min(1)
    .optional()
    .describe('The profile of that file to use; unset: `default`. A named profile that is missing is an error.'),
  TEMPORAL_ADDRESS: hostPort
    .default('localhost:7233')
    .describe('The Temporal frontend, `host:port` (the local stack runs its Web UI on port 8233).'),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name')
    .default('default')
    .describe('The Temporal namespace every deletion workflow runs in.'),
  TEMPORAL_TLS: flag
    .optional()
    .describe(
      '`true` or `false`. Unset: on as soon as any `TEMPORAL_TLS_*` or `TEMPORAL_API_KEY*` variable is set ' +
        '(Temporal Cloud needs TLS), off otherwise; `false` beside any of them is refused.',
    ),
  TEMPORAL_TLS_CA_FILE: filePath
    .optional()
    .describe(
      "A private CA's certificate (PEM) that verifies the server; unset, the system's roots do. " +
        "envconfig's `TEMPORAL_TLS_SERVER_CA_CERT_PATH` is read as this.",
    ),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: pem
    .optional()
    .describe('The same CA certificate, as PEM text instead of a file (envconfig); not with `TEMPORAL_TLS_CA_FILE`.'),
  TEMPORAL_TLS_CERT_FILE: filePath
    .optional()
    .describe(
      'mTLS: the client certificate (PEM); set with `TEMPORAL_TLS_KEY_FILE`, both or neither. ' +
        "envconfig's `TEMPORAL_TLS_CLIENT_CERT_PATH` is read as this.",
    ),
  TEMPORAL_TLS_CLIENT_CERT_DATA: pem
    .optional()
    .describe('mTLS: the client certificate as PEM text instead of a file (envconfig).'),
  TEMPORAL_TLS_KEY_FILE: filePath
    .optional()
    .describe(
      "mTLS: the client certificate's private key (PEM); set with `TEMPORAL_TLS_CERT_FILE`. " +
        "envconfig's `TEMPORAL_TLS_CLIENT_KEY_PATH` is read as this.",
    ),
  TEMPORAL_TLS_CLIENT_KEY_DATA: pem
    .optional()
    .describe('mTLS: the private key as PEM text instead of a file (envconfig); never logged or echoed.'),
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name, e.g. temporal.example.com')
    .optional()
    .describe(
      "The name the server's certificate must carry, when it is not the host of `TEMPORAL_ADDRESS` (behind a proxy).",
    ),
  TEMPORAL_API_KEY: z
    .string()
    .regex(/^\S+$/, 'must be one token, without spaces')
    .optional()
    .describe('An API key (Temporal Cloud); implies TLS; never logged. Set it or `TEMPORAL_API_KEY_FILE`, not both.'),
  TEMPORAL_API_KEY_FILE: filePath.optional().describe('A file holding the API key, read at start-up.'),
  KAFKA_BROKERS: z
    .string()
    .default('localhost:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(hostPort).min(1, 'must list at least one broker'))
    .describe('The Kafka brokers, comma-separated `host:port`s.'),
  ...kafkaSecurityVariables,
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .default('postgres://postgres@localhost:5432/tenant_deletion')
    .describe(
      "The orchestrator's PostgreSQL (ledger, inventory, certificates); never echoed, as it may hold a password.",
    ),
  SERVICE_TOKEN_SIGNING_KEY_FILE: filePath
    .optional()
    .describe(
      "The orchestrator's service-token private key (PEM, Ed25519 or EC P-256), held by the workers alone: it " +
        "grants `tenant-data:*` and the registry's suspend, erase and read. Unset: the local stack's.",
    ),
  READER_TOKEN_SIGNING_KEY_FILE: filePath
    .optional()
    .describe(
      "The readers' service-token private key (PEM), held by the fleet's write guard, the deletion API and the " +
        "bridge: it grants `registry:read` only. Unset: the local stack's.",
    ),
  ADMIN_TOKEN_SIGNING_KEY_FILE: filePath
    .optional()
    .describe(
      "The admins' service-token private key (PEM), for admins' tools, tests and `fleet:seed`: `legal-hold:admin`, " +
        "`kit:faults`, `registry:members`, `registry:read`. Unset: the local stack's.",
    ),
  SERVICE_TOKEN_JWKS_URL: jwksLocation.optional().describe(jwksHelp("the orchestrator's")),
  READER_TOKEN_JWKS_URL: jwksLocation.optional().describe(jwksHelp("the readers'")),
  ADMIN_TOKEN_JWKS_URL: jwksLocation.optional().describe(jwksHelp("the admins'")),
  APPROVAL_THRESHOLD_RECORDS: positiveInt
    .default(1_000_000)
    .describe('A deletion whose previewed total exceeds this many records waits for `tdel approve`.'),
  BLAST_RADIUS_MAX_WHOLE_TENANT: positiveInt
    .default(50)
    .describe('Whole-tenant deletions that may start in the rolling window before the next ones wait for approval.'),
  BLAST_RADIUS_WINDOW_HOURS: positiveInt.default(24).describe("The blast-radius cap's rolling window, in hours."),
  // An old message read again (a consumer-group reset, a new group) must not start a deletion nobody asks for.
  REQUEST_MAX_AGE_HOURS: positiveInt
    .default(72)
    .describe('A Kafka request whose `timestamp` is older than this goes to the DLQ as `STALE`.'),
  GRACE_PERIOD_SECONDS: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(0)
    .default(0)
    .describe(
      'Whole-tenant, non-GDPR deletions wait this long after the suspend; a cancel in that time restores the tenant.',
    ),
  TENANT_REGISTRY_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
    .default('http://localhost:8100')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe("The tenant registry's base URL."),
});

type Variables = z.infer<typeof variablesSchema>;

/** Any of these set turns TLS on unless TEMPORAL_TLS says otherwise, which they then contradict. */
export const TEMPORAL_TLS_VARIABLES = [
  'TEMPORAL_API_KEY',
  'TEMPORAL_API_KEY_FILE',
  'TEMPORAL_TLS_CA_FILE',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_CERT_FILE',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_KEY_FILE',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
] as const;

/** Settings that only make sense together. */
function checkTemporalSecurity(config: Variables, ctx: z.RefinementCtx): void {
  const problem = (variable: keyof Variables, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });
  const given = (file: keyof Variables, data: keyof Variables) =>
    config[file] !== undefined ? file : config[data] !== undefined ? data : undefined;
  const cert = given('TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_CLIENT_CERT_DATA');
  const key = given('TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_CLIENT_KEY_DATA');
  if (cert && !key) problem('TEMPORAL_TLS_KEY_FILE', `is not set, but ${cert} is: mTLS needs both, or neither`);
  if (key && !cert) problem('TEMPORAL_TLS_CERT_FILE', `is not set, but ${key} is: mTLS needs both, or neither`);
  const onlyOne: [keyof Variables, keyof Variables][] = [
    ['TEMPORAL_API_KEY_FILE', 'TEMPORAL_API_KEY'],
    ['TEMPORAL_TLS_SERVER_CA_CERT_DATA', 'TEMPORAL_TLS_CA_FILE'],
    ['TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CERT_FILE'],
    ['TEMPORAL_TLS_CLIENT_KEY_DATA', 'TEMPORAL_TLS_KEY_FILE'],
  ];
  for (const [one, other] of onlyOne) {
    if (config[one] && config[other]) problem(one, `and ${other} are both set: set only one`);
  }
  if (config.TEMPORAL_TLS === false) {
    // An API key or a client certificate must never cross the network in plaintext.
    const needTls = TEMPORAL_TLS_VARIABLES.filter((variable) => config[variable] !== undefined);
    if (needTls.length > 0) {
      problem(
        'TEMPORAL_TLS',
        `is false, but ${needTls.join(', ')} ${needTls.length > 1 ? 'need' : 'needs'} TLS: unset it`,
      );
    }
  }
}

export const configSchema = variablesSchema.superRefine((config, ctx) => {
  checkTemporalSecurity(config, ctx);
  checkKafkaSecurity(config, ctx);
});

export type Config = z.infer<typeof configSchema>;

/** Variables whose values may hold credentials, so errors never echo them. */
const SECRET_BEARING = new Set([
  'DATABASE_URL',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'KAFKA_SASL_PASSWORD',
  // Not secret, but a PEM block quoted in an error buries the message.
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
]);

/** Empty variables count as unset, as shells and compose files often export them empty. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

/**
 * Any program's variables through its schema: a ConfigError names each variable that is wrong, echoing its value
 * unless the variable may hold a secret.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
  secretBearing: ReadonlySet<string> = new Set(),
): z.output<Schema> {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const value = env[variable];
      // A problem with a variable that is not set (the other half of a pair) has no value to show.
      const shown = secretBearing.has(variable) || !value ? '' : ` (got ${JSON.stringify(value)})`;
      return `${variable} ${issue.message}${shown}`;
    }),
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnvironment(configSchema, withTemporalProfile(withoutEmpty(env)), SECRET_BEARING);
}
