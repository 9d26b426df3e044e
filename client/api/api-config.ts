import { z } from 'zod';
import { parseEnvironment } from '../../common/config';

/**
 * The API's own settings, beside the shared ones in common/config.ts (Temporal, DATABASE_URL, TENANT_REGISTRY_URL)
 * and the identity issuer's (AUTH_ISSUER, AUTH_JWKS_URL, in client/authorization/identity-config.ts).
 */

export const DEFAULT_API_PORT = 8090;

export const apiConfigSchema = z.object({
  API_PORT: z.coerce
    .number({ error: 'must be a port' })
    .int()
    .min(0)
    .max(65_535)
    .default(DEFAULT_API_PORT)
    .describe('The deletion API’s port (`npm run api`); 0 picks a free one.'),
  API_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be a host name or address, e.g. 0.0.0.0 or localhost')
    .default('0.0.0.0')
    .describe('The address the deletion API listens on; `localhost` keeps it off the network.'),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parseEnvironment(apiConfigSchema, env);
}
