import type { z } from 'zod';
import { apiConfigSchema } from '../../client/api/api-config';
import { bridgeConfigSchema } from '../../client/bridge/bridge-config';
import { identityConfigSchema } from '../../client/authorization/identity-config';
import { codecServerConfigSchema } from '../../client/codec-server/codec-server-config';
import { codecEnvSchema } from '../../common/codec-keys';
import { configSchema } from '../../common/config';
import { workerConfigSchema } from '../../common/worker-config';
import { workerEnvironmentSchema } from '../../workers/worker-environment';

/** One zod schema that a program reads its settings through, and how docs/configuration.md introduces it. */
export interface ConfigSource {
  title: string;
  /** Where the schema lives, so a reader (and an error) can find it. */
  file: string;
  intro: string;
  /** Environment variables are named as they are; file keys by their dotted path. */
  kind: 'environment' | 'file';
  schema: z.ZodType;
}

export const CONFIG_SOURCES: readonly ConfigSource[] = [
  {
    title: 'Every program',
    file: 'common/config.ts',
    intro: 'Read by the workers, the bridge, `tdel`, the demo, the benchmarks and the test harnesses.',
    kind: 'environment',
    schema: configSchema,
  },
  {
    title: 'Payload encryption',
    file: 'common/codec-keys.ts',
    intro: 'Read by every program that talks to Temporal, and by the codec server.',
    kind: 'environment',
    schema: codecEnvSchema,
  },
  {
    title: 'The Kafka bridge',
    file: 'client/bridge/bridge-config.ts',
    intro: '`npm run bridge`, besides the variables every program reads.',
    kind: 'environment',
    schema: bridgeConfigSchema,
  },
  {
    title: 'Identity',
    file: 'client/authorization/identity-config.ts',
    intro:
      'Who signs the tokens of people and requesting systems, read by the deletion API and the bridge. Unset, the ' +
      "local stack's development issuer (`npm run stack:up` runs it; `tdel dev-token` prints its tokens); in " +
      'production both variables name your OIDC provider. Tokens must carry `sub` (1-64 characters of ' +
      '`A-Z a-z 0-9 . _ : -`; it becomes `requestedBy`), audience `tenant-deletion-api` and `exp`; `roles` is optional.',
    kind: 'environment',
    schema: identityConfigSchema,
  },
  {
    title: 'The deletion API',
    file: 'client/api/api-config.ts',
    intro:
      '`npm run api`, besides the variables every program reads and the identity issuer (`AUTH_ISSUER`, ' +
      "`AUTH_JWKS_URL`); it asks the registry with the readers' key (`READER_TOKEN_SIGNING_KEY_FILE`).",
    kind: 'environment',
    schema: apiConfigSchema,
  },
  {
    title: 'The codec server',
    file: 'client/codec-server/codec-server-config.ts',
    intro: '`npm run codec-server`; its command-line options override these.',
    kind: 'environment',
    schema: codecServerConfigSchema,
  },
  {
    title: 'The workers',
    file: 'workers/worker-environment.ts',
    intro:
      '`npm run worker`, besides the variables every program reads and its config file (below): its health ' +
      'endpoints and Worker Versioning ([temporal-connection.md](temporal-connection.md)).',
    kind: 'environment',
    schema: workerEnvironmentSchema,
  },
  {
    title: 'Worker config file',
    file: 'common/worker-config.ts',
    intro:
      'The JSON file `npm run worker` reads: `workers/worker-config.json`, or the one `WORKER_CONFIG` or ' +
      '`--config` names. A key left out takes its default.',
    kind: 'file',
    schema: workerConfigSchema,
  },
];
