import path from 'node:path';
import { Command } from 'commander';
import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import pg from 'pg';
import type pino from 'pino';
import { loadSigningKey, MissingSigningKeyError } from '../common/certificates/signing-key';
import { InvalidKeyError } from '@tenant-deletion/client';
import { ConfigError, loadConfig } from '../common/config';
import { kafkaPublisher } from '../common/kafka-client';
import { programLogger } from '../common/logging/program-logger';
import { forwardedCoreLogs, temporalRuntimeLogger } from '../common/logging/temporal-runtime-logger';
import { describeKafkaSecurity } from '../common/kafka-security';
import { servicePreviewTaskQueue, serviceTaskQueue } from '@tenant-deletion/contract';
import { missingSearchAttributes } from '../common/search-attribute-check';
import { loadTokenSigner, MissingTokenKeyError } from '../common/service-token-keys';
import { TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { startTracing } from '../common/telemetry/tracing';
import { temporalAccess } from '../common/temporal-connection';
import { readWorkerConfig, WorkerConfigError } from '../common/worker-config';
import { createInstanceActivities } from '../activities/instance-activities';
import { RegistryClient } from '../activities/registry-client';
import { createGuardRailActivities } from '../activities/guard-rail-activities';
import { createTenantActivities } from '../activities/tenant-activities';
import { DRAIN_SIGNALS, runUntilDrained } from './drain';
import { describeDeployment, workerDeploymentOptions } from './worker-deployment';
import { loadWorkerEnvironment, WORKER_HEALTH_PORT_DEFAULT } from './worker-environment';
import { startWorkerHealth, type WorkerHealthServer } from './worker-health';
import { createWorkerPool, queuesOf, UnknownGroupError } from './worker-pool';
import { HISTOGRAM_BUCKETS } from '../common/metrics/deletion-metrics';
import { startComplianceMetrics } from './compliance-metrics';

/** The health server's port: a default one another worker on the same host holds only turns it off. */
async function serveHealth(
  requested: number | undefined,
  sources: Parameters<typeof startWorkerHealth>[1],
  logger: pino.Logger,
): Promise<WorkerHealthServer | undefined> {
  const port = requested ?? WORKER_HEALTH_PORT_DEFAULT;
  if (port === 0) return undefined;
  try {
    return await startWorkerHealth(port, sources);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (requested !== undefined) {
      throw new ConfigError([`health port ${port} is held by another process: choose another, or 0 to disable`]);
    }
    logger.warn(
      `health port ${port} is held by another process (another worker?): /livez and /readyz are off; set --health-port or WORKER_HEALTH_PORT`,
    );
    return undefined;
  }
}

/** Set first thing in the action, so that a LOG_LEVEL it refuses ends as any other configuration error does. */
let logger: pino.Logger | undefined;

const program = new Command('worker')
  .description(
    'Runs the deletion workers: the tenant-deletion queue and one service-deletion.{serviceType} queue per type, as the worker config groups them.',
  )
  .option(
    '-c, --config <file>',
    'worker config file',
    process.env.WORKER_CONFIG ?? path.join(__dirname, 'worker-config.json'),
  )
  .option('-g, --group <name...>', 'run only these groups of the config (default: every group)', [])
  .option('--metrics-port <port>', 'Prometheus metrics port (0 disables; default from the config)')
  .option(
    '--health-port <port>',
    `/livez and /readyz port (0 disables; default WORKER_HEALTH_PORT, else ${WORKER_HEALTH_PORT_DEFAULT})`,
  )
  .addHelpText(
    'after',
    '\nHealth: GET /livez (the process and its workers are alive), GET /readyz (200 when every worker polls and Temporal' +
      '\nanswers; 503 with the reason while starting or draining).' +
      '\nWorker Versioning: TEMPORAL_WORKER_DEPLOYMENT_NAME and TEMPORAL_WORKER_BUILD_ID, both or neither' +
      ' (docs/temporal-connection.md).' +
      '\n\nExamples:\n  npm run worker\n  npm run worker -- --group orchestration fleet\n  npm run worker -- --group slow --metrics-port 9465 --health-port 9468',
  )
  .action(async (options: { config: string; group: string[]; metricsPort?: string; healthPort?: string }) => {
    const log = programLogger('worker');
    logger = log;
    const tracing = startTracing('tdel-worker');
    const config = loadConfig();
    const temporal = temporalAccess(config);
    const workerEnvironment = loadWorkerEnvironment();
    const deployment = workerDeploymentOptions(workerEnvironment);
    const healthPort =
      options.healthPort === undefined ? workerEnvironment.WORKER_HEALTH_PORT : Number(options.healthPort);
    if (healthPort !== undefined && !(Number.isInteger(healthPort) && healthPort >= 0 && healthPort <= 65_535)) {
      throw new ConfigError([`--health-port must be a port (got ${JSON.stringify(options.healthPort)})`]);
    }
    const workerConfig = readWorkerConfig(options.config);
    const queues = queuesOf(workerConfig, options.group);
    // Loaded once, before anything connects: a worker without the orchestrator's key could not call one service.
    const signer = await loadTokenSigner(TOKEN_ISSUER);
    // Only the orchestration queue issues certificates: only its workers hold the private key, checked at start-up.
    const certificateSigner = queues.orchestration ? loadSigningKey() : null;
    const metricsPort = options.metricsPort === undefined ? workerConfig.metricsPort : Number(options.metricsPort);
    // Signals are runUntilDrained's (drain.ts), not the SDK's: its handler, listening from here on, would swallow a
    // SIGTERM sent during start-up, and the workers would then start and run on.
    // The SDK's own lines, Core's included, become JSON lines of the same shape as ours (common/logging).
    Runtime.install({
      shutdownSignals: [],
      logger: temporalRuntimeLogger('worker'),
      telemetryOptions: {
        logging: forwardedCoreLogs(),
        ...(metricsPort > 0 && {
          metrics: {
            prometheus: { bindAddress: `0.0.0.0:${metricsPort}`, histogramBucketOverrides: HISTOGRAM_BUCKETS },
          },
        }),
      },
    });

    // Up before anything connects: liveness answers at once, readiness says what start-up waits for.
    const running: { workers?: Worker[]; connection?: NativeConnection } = {};
    const health = await serveHealth(
      healthPort,
      { workers: () => running.workers, connection: () => running.connection },
      log,
    );

    const client = await Connection.connect(temporal.connection).catch((error: Error) => {
      throw new Error(
        `Temporal unreachable at ${config.TEMPORAL_ADDRESS} (${error.message}): start it with \`npm run stack:up\``,
      );
    });
    const missing = await missingSearchAttributes(client, config.TEMPORAL_NAMESPACE);
    await client.close();
    if (missing.length > 0) {
      throw new Error(
        `namespace ${config.TEMPORAL_NAMESPACE} lacks search attributes: ${missing.join('; ')}. Register them (npm run stack:up does locally).`,
      );
    }

    const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
    const publisher = await kafkaPublisher(config, 'tenant-deletion-worker');
    const connection = await NativeConnection.connect(temporal.connection);
    running.connection = connection;
    const registry = new RegistryClient(config.TENANT_REGISTRY_URL, signer);
    const workers = await createWorkerPool({
      connection,
      namespace: temporal.namespace,
      dataConverter: temporal.dataConverter,
      config: workerConfig,
      groups: options.group,
      deployment,
      tenantActivities: {
        ...createTenantActivities({
          db,
          publisher,
          registry,
          workerConfig,
          guardRails: {
            approvalThresholdRecords: config.APPROVAL_THRESHOLD_RECORDS,
            gracePeriodSeconds: config.GRACE_PERIOD_SECONDS,
          },
          certificateSigner,
        }),
        ...createGuardRailActivities({ db, registry, config }),
      },
      instanceActivities: createInstanceActivities({ db, signer, workerConfig }),
      tracing,
    });
    running.workers = workers;
    // The orchestration worker also keeps the compliance gauges, on the same metrics port (docs/metrics.md).
    const compliance =
      queues.orchestration && metricsPort > 0
        ? await startComplianceMetrics({
            temporal,
            db,
            workerConfig,
            intervalSeconds: workerEnvironment.COMPLIANCE_METRICS_INTERVAL_SECONDS,
          })
        : undefined;
    const taskQueues = [
      ...(queues.orchestration ? ['tenant-deletion'] : []),
      ...queues.serviceTypes.flatMap((type) => [serviceTaskQueue(type), servicePreviewTaskQueue(type)]),
    ];
    // Scripts and tests wait for "workers polling" in this line's msg.
    log.info(
      { taskQueues },
      `workers polling ${taskQueues.join(', ')}` +
        (metricsPort > 0 ? `; metrics on :${metricsPort}/metrics` : '') +
        (health ? `; /livez and /readyz on :${health.port}` : '') +
        `; ${describeDeployment(deployment)}` +
        `; Kafka ${describeKafkaSecurity(config)}` +
        `; service tokens signed with key ${signer.keyId}` +
        (certificateSigner ? `; certificates signed with key ${certificateSigner.keyId}` : '') +
        `; SIGTERM drains for up to ${workerConfig.shutdownGraceSeconds} s` +
        `; ${temporal.description}`,
    );
    // SIGTERM and SIGINT drain every worker: running activities get shutdownGraceSeconds to finish.
    await runUntilDrained(workers, workerConfig.shutdownGraceSeconds, (line) => log.info(line));
    // Drained: a signal arriving while the rest closes (a supervisor's repeat, or tsx relaying the one its process
    // group got) must not cut the last spans and log lines short.
    for (const signal of DRAIN_SIGNALS) process.on(signal, () => log.info(`${signal}: already stopping`));
    await compliance?.stop();
    await Promise.allSettled([connection.close(), publisher.close(), db.end(), health?.close(), tracing.shutdown()]);
  });

program.parseAsync().catch((error: unknown) => {
  const usage = [
    ConfigError,
    WorkerConfigError,
    UnknownGroupError,
    MissingTokenKeyError,
    MissingSigningKeyError,
    InvalidKeyError,
  ].some((type) => error instanceof type);
  // A LOG_LEVEL pino refused leaves no logger yet: the line that says so still goes out, at the default level.
  (logger ?? programLogger('worker', {})).fatal(usage ? {} : { err: error }, `worker: ${(error as Error).message}`);
  process.exit(usage ? 2 : 1);
});
