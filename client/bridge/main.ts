import { Command } from 'commander';
import { programLogger } from '../../common/logging/program-logger';
import { ConfigError, loadConfig } from '../../common/config';
import { describeKafkaSecurity } from '../../common/kafka-security';
import { notReady, ready } from '../../common/readiness';
import { startTracing } from '../../common/telemetry/tracing';
import { temporalAccess } from '../../common/temporal-connection';
import { startBridge, type RunningBridge } from './bridge';
import { loadBridgeIdentity } from './bridge-identity';
import { loadBridgeConfig } from './bridge-config';
import { startBridgeHttp } from './bridge-http';
import { BridgeMetrics } from './bridge-metrics';

new Command('bridge')
  .description(
    'The Kafka bridge: reads tenant.service.deletion.request and tenant.deletion.request, hands every valid request ' +
      "to Temporal (signal-with-start of TenantDeletionWorkflow) as made by its token's subject, and writes every " +
      'invalid one, every one without a valid token (UNAUTHENTICATED) or whose subject may not delete the tenant ' +
      '(FORBIDDEN), every one older than REQUEST_MAX_AGE_HOURS (STALE) and every one whose deletion the ledger says ' +
      'ended (DUPLICATE) to tenant.deletion.dlq, its token redacted.',
  )
  .addHelpText(
    'after',
    `
Environment (besides TEMPORAL_*, PAYLOAD_CODEC_KEYS, KAFKA_BROKERS, DATABASE_URL, REQUEST_MAX_AGE_HOURS and
TENANT_REGISTRY_URL, in docs/configuration.md):
  GET /livez                liveness (alias /healthz): 503 only when the consumer stopped for good
  GET /readyz               readiness: 200 once in the consumer group, with Temporal and the ledger reachable
  AUTH_ISSUER, AUTH_JWKS_URL    the identity issuer whose tokens sign requests (default: the local dev issuer)
  READER_TOKEN_SIGNING_KEY_FILE the readers' key, to ask the registry for a tenant's members (default: the local one)
  BRIDGE_PORT               /livez (alias /healthz), /readyz and /metrics (default 9466)
  BRIDGE_GROUP_ID           consumer group (default tenant-deletion-bridge)
  BRIDGE_MAX_IN_FLIGHT      hand-overs open at once, across partitions (default 32)
  BRIDGE_MAX_MESSAGE_BYTES  larger messages go to the DLQ as TOO_LARGE (default 65536)
  BRIDGE_FROM_BEGINNING     true: a group without committed offsets reads the topics from their beginning
                            (default false: from their end, so that a new group replays nothing)
  KAFKA_SSL                 true for TLS (the workers' producer reads it too)
  KAFKA_SASL_MECHANISM      plain | scram-sha-256 | scram-sha-512, with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD
  TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE  Temporal's standard profile file (docs/temporal-connection.md)
  LOG_LEVEL                 trace|debug|info|warn|error|fatal|silent (default info; docs/logging.md)
  OTEL_EXPORTER_OTLP_ENDPOINT   export traces there (OTLP/HTTP); unset: none (docs/tracing.md)

Example:
  npm run bridge
  BRIDGE_PORT=9477 npm run bridge`,
  )
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async () => {
    const tracing = startTracing('tdel-bridge');
    const config = loadConfig();
    const temporal = temporalAccess(config);
    const bridgeConfig = loadBridgeConfig();
    const identity = await loadBridgeIdentity(config);
    const logger = programLogger('bridge');
    const metrics = new BridgeMetrics();
    // The probes answer while Kafka and Temporal are still being reached, so the holder fills in later.
    const started: { bridge?: RunningBridge } = {};
    const http = await startBridgeHttp(bridgeConfig.BRIDGE_PORT, metrics, {
      live: () => started.bridge?.live() ?? ready('starting'),
      ready: async () => (started.bridge ? started.bridge.ready() : notReady('starting')),
    });
    const bridge = await startBridge({ config, temporal, identity, bridge: bridgeConfig, logger, metrics });
    started.bridge = bridge;
    logger.info(
      {
        port: bridgeConfig.BRIDGE_PORT,
        group: bridgeConfig.BRIDGE_GROUP_ID,
        kafka: describeKafkaSecurity(config),
        temporal: temporal.description,
      },
      'bridge consuming',
    );
    const shutdown = (signal: string) => {
      logger.info(
        { signal },
        'stopping: finishing in-flight handovers; their chunk stays uncommitted and is read again by the next owner',
      );
      void bridge
        .close()
        .then(() => http.close())
        .then(() => tracing.shutdown())
        .then(() => process.exit(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`bridge: ${(error as Error).message}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
