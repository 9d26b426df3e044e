import path from 'node:path';
import { Command } from 'commander';
import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { loadSigningKey, MissingSigningKeyError } from '../common/certificates/signing-key';
import { InvalidKeyError } from '@tenant-deletion/client';
import { ConfigError, loadConfig } from '../common/config';
import { kafkaPublisher } from '../common/kafka-client';
import { servicePreviewTaskQueue, serviceTaskQueue } from '@tenant-deletion/contract';
import { missingSearchAttributes } from '../common/search-attribute-check';
import { loadTokenSigner, MissingTokenKeyError } from '../common/service-token-keys';
import { TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
import { temporalAccess } from '../common/temporal-connection';
import { readWorkerConfig, WorkerConfigError } from '../common/worker-config';
import { createInstanceActivities } from '../activities/instance-activities';
import { RegistryClient } from '../activities/registry-client';
import { createGuardRailActivities } from '../activities/guard-rail-activities';
import { createTenantActivities } from '../activities/tenant-activities';
import { runUntilDrained } from './drain';
import { createWorkerPool, queuesOf, UnknownGroupError } from './worker-pool';

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
  .addHelpText(
    'after',
    '\nExamples:\n  npm run worker\n  npm run worker -- --group orchestration fleet\n  npm run worker -- --group slow --metrics-port 9465',
  )
  .action(async (options: { config: string; group: string[]; metricsPort?: string }) => {
    const config = loadConfig();
    const temporal = temporalAccess(config);
    const workerConfig = readWorkerConfig(options.config);
    const queues = queuesOf(workerConfig, options.group);
    // Loaded once, before anything connects: a worker without the orchestrator's key could not call one service.
    const signer = await loadTokenSigner(TOKEN_ISSUER);
    // Only the orchestration queue issues certificates: only its workers hold the private key, checked at start-up.
    const certificateSigner = queues.orchestration ? loadSigningKey() : null;
    const metricsPort = options.metricsPort === undefined ? workerConfig.metricsPort : Number(options.metricsPort);
    // Signals are runUntilDrained's (drain.ts), not the SDK's: its handler, listening from here on, would swallow a
    // SIGTERM sent during start-up, and the workers would then start and run on.
    Runtime.install({
      shutdownSignals: [],
      ...(metricsPort > 0
        ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } }
        : {}),
    });

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
    const publisher = await kafkaPublisher(config.KAFKA_BROKERS, 'tenant-deletion-worker');
    const connection = await NativeConnection.connect(temporal.connection);
    const registry = new RegistryClient(config.TENANT_REGISTRY_URL, signer);
    const workers = await createWorkerPool({
      connection,
      namespace: temporal.namespace,
      dataConverter: temporal.dataConverter,
      config: workerConfig,
      groups: options.group,
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
    });
    console.log(
      `workers polling ${[...(queues.orchestration ? ['tenant-deletion'] : []), ...queues.serviceTypes.flatMap((type) => [serviceTaskQueue(type), servicePreviewTaskQueue(type)])].join(', ')}` +
        (metricsPort > 0 ? `; metrics on :${metricsPort}/metrics` : '') +
        `; service tokens signed with key ${signer.keyId}` +
        (certificateSigner ? `; certificates signed with key ${certificateSigner.keyId}` : '') +
        `; SIGTERM drains for up to ${workerConfig.shutdownGraceSeconds} s` +
        `; ${temporal.description}`,
    );
    // SIGTERM and SIGINT drain every worker: running activities get shutdownGraceSeconds to finish.
    await runUntilDrained(workers, workerConfig.shutdownGraceSeconds);
    await Promise.allSettled([connection.close(), publisher.close(), db.end()]);
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
  console.error(`worker: ${(error as Error).message}`);
  process.exit(usage ? 2 : 1);
});
