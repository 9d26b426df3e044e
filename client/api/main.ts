import { Command } from 'commander';
import pg from 'pg';
import { programLogger } from '../../common/logging/program-logger';
import { READER_TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { ConfigError, loadConfig } from '../../common/config';
import { loadTokenSigner, MissingTokenKeyError } from '../../common/service-token-keys';
import { startTracing } from '../../common/telemetry/tracing';
import { connectTemporalClient, temporalAccess } from '../../common/temporal-connection';
import { loadIdentityConfig } from '../authorization/identity-config';
import { identityVerifier } from '../authorization/identity-token';
import { registryMembers } from '../authorization/registry-members';
import { loadApiConfig } from './api-config';
import { buildApiServer } from './api-server';

new Command('api')
  .description(
    'The deletion API: tenant admins and operators request, follow, cancel, retry and approve tenant deletions over ' +
      'HTTP with an identity token (docs/contract.md, "The deletion API"; its OpenAPI document at /openapi.json).',
  )
  .addHelpText(
    'after',
    `
Environment (besides TEMPORAL_*, PAYLOAD_CODEC_KEYS, DATABASE_URL and TENANT_REGISTRY_URL, in docs/configuration.md):
  API_PORT                        port (default 8090)
  API_HOST                        address to listen on (default 0.0.0.0)
  AUTH_ISSUER, AUTH_JWKS_URL      the identity issuer (default: the local stack's, http://localhost:8091)
  READER_TOKEN_SIGNING_KEY_FILE   the readers' key, to ask the registry who is a tenant's owner or admin
                                  (default: the local stack's)
  LOG_LEVEL                       trace|debug|info|warn|error|fatal|silent (default info; docs/logging.md)
  OTEL_EXPORTER_OTLP_ENDPOINT     export traces there (OTLP/HTTP); unset: none (docs/tracing.md)

Example:
  npm run api
  curl -X DELETE localhost:8090/api/v1/tenants/tenant-12345 -H "Authorization: Bearer $(npx tdel dev-token --sub alice)"`,
  )
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async () => {
    const tracing = startTracing('tdel-api');
    const config = loadConfig();
    const apiConfig = loadApiConfig();
    const identity = loadIdentityConfig();
    const access = temporalAccess(config);
    const signer = await loadTokenSigner(READER_TOKEN_ISSUER);
    const logger = programLogger('api');
    const temporal = await connectTemporalClient(access);
    const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
    // An idle connection dies when Postgres restarts; the pool replaces it, the process must not crash.
    db.on('error', (error) => logger.warn({ message: error.message }, 'idle database connection lost'));
    const app = await buildApiServer({
      logger,
      temporal,
      db,
      verifyIdentity: identityVerifier(identity),
      tenantStanding: registryMembers({
        registryUrl: config.TENANT_REGISTRY_URL,
        signer,
        caller: 'tenant-deletion-api',
      }),
    });
    await app.listen({ port: apiConfig.API_PORT, host: apiConfig.API_HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : apiConfig.API_PORT;
    logger.info(
      { url: `http://localhost:${port}`, temporal: access.description, issuer: identity.issuer },
      'deletion API listening',
    );
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'stopping');
      void app
        .close()
        .then(() => Promise.allSettled([db.end(), temporal.connection.close(), tracing.shutdown()]))
        .then(() => process.exit(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`api: ${(error as Error).message}`);
    process.exit(error instanceof ConfigError || error instanceof MissingTokenKeyError ? 2 : 1);
  });
