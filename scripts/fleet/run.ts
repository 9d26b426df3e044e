import { Command } from 'commander';
import pino from 'pino';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../common/config';
import { MissingTokenKeyError } from '../../common/service-token-keys';
import { startTracing } from '../../common/telemetry/tracing';
import { traceLogFields } from '@tenant-deletion/contract/trace-log-fields';
import { FleetPortInUseError, startFleet, textTable, type RunningFleet } from '@tenant-deletion/example-fleet';
import { REGISTRY } from '@tenant-deletion/example-registry';
import { fleetTokens } from './fleet-tokens';

/** `npm run fleet`: the registry and every fleet instance in the foreground, until Ctrl-C or SIGTERM. */

new Command('fleet')
  .description(
    'Runs the reference fleet in the foreground: the tenant registry and every service instance of ' +
      'services/fleet/topology.ts, each with its own database (created and migrated at start) and port. ' +
      'Ctrl-C or SIGTERM stops them all. Logs are JSON lines on stdout (LOG_LEVEL, default info). ' +
      'Each instance has fault knobs at /admin/faults for tests and chaos runs, unless KIT_FAULTS_ENABLED=false. ' +
      'Traces go to OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP) when it is set, as service tdel-fleet.',
  )
  .addHelpText('after', '\nExample:\n  npm run fleet\n  npm run fleet:seed -- --tenant tenant-12345 --records 500000')
  .showHelpAfterError()
  // Bad usage exits 2, as every CLI of the project does (commander's own default is 1).
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();

function fleetTable(fleet: RunningFleet): string {
  return textTable(
    ['service', 'instance', 'port', 'base URL'],
    [
      [REGISTRY.serviceType, '-', new URL(fleet.registryUrl).port, fleet.registryUrl],
      ...fleet.instances.map((instance) => [
        instance.serviceType,
        instance.serviceInstanceId,
        instance.port,
        instance.baseUrl,
      ]),
    ],
  );
}

/** A demo fleet has fault knobs unless told otherwise: the tests, chaos runs and `tdel conformance` drive them. */
const faultsEnabledSchema = z.stringbool().default(true);

async function main(): Promise<void> {
  // One process, one tracer provider: the instances share the service name and differ by tdel.service_instance_id.
  const tracing = startTracing('tdel-fleet');
  const config = loadConfig();
  const faultsEnabled = faultsEnabledSchema.safeParse(process.env.KIT_FAULTS_ENABLED || undefined);
  if (!faultsEnabled.success) throw new ConfigError(['KIT_FAULTS_ENABLED: must be true or false']);
  const fleet = await startFleet({
    databaseUrl: config.DATABASE_URL,
    tokens: await fleetTokens(),
    faultsEnabled: faultsEnabled.data,
    logger: pino({ name: 'fleet', level: process.env.LOG_LEVEL ?? 'info', mixin: traceLogFields }),
  });
  console.log(`${fleetTable(fleet)}\n\nthe fleet is running; Ctrl-C stops it`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting for the services to close`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping the fleet…`);
    // Spans still buffered are sent before the exit.
    fleet.close().then(
      () => tracing.shutdown().finally(() => process.exit(0)),
      (error: Error) => {
        console.error(`the fleet did not stop cleanly: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
  if (
    error instanceof ConfigError ||
    error instanceof MissingTokenKeyError ||
    /no public keys for/.test(error.message)
  ) {
    console.error(`fleet: ${error.message}`);
    process.exit(2);
  }
  console.error(
    error instanceof FleetPortInUseError ? `fleet: ${error.message}` : `fleet failed to start: ${error.message}`,
  );
  process.exit(1);
});
