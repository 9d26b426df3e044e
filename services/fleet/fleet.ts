import pino from 'pino';
import { type KitOptions, type RunningDeletableService, startDeletableService } from '@tenant-deletion/kit';
import { FaultInjector, type FaultSettingsInput } from '@tenant-deletion/kit/testing';
import type { ServiceTokenVerifier, TokenSigner } from '@tenant-deletion/contract/service-token';
import { traceLogFields } from '@tenant-deletion/contract/trace-log-fields';
import {
  REGISTRY,
  registryDatabaseUrl,
  startRegistry,
  suspensionCheck,
  type RunningRegistry,
} from '@tenant-deletion/example-registry';
import { prepareInstanceDatabase } from './fleet-databases';
import { fleetFileRoot } from './fleet-files';
import { fleetService } from './fleet-services';
import { mapWithLimit } from './seed/bounded-parallel';
import { type FleetInstance, FLEET_HOST, FLEET_INSTANCES } from './topology';

/**
 * The reference fleet in one process: the tenant registry, then every instance of the topology as a
 * kit service on its own port and database, each refusing writes for tenants the registry has suspended.
 */

export interface FleetOptions {
  /** The orchestrator's database URL: the registry's and every instance's database are on its server. */
  databaseUrl: string;
  tokens: FleetTokens;
  host?: string;
  /** 'topology' (default): the ports of topology.ts; 'ephemeral': free ports the system picks, for tests. */
  ports?: 'topology' | 'ephemeral';
  /** Overrides the registry's port (topology: 8100, ephemeral: a free one). */
  registryPort?: number;
  instances?: readonly FleetInstance[];
  /** Where file-holding services keep tenant files, by service type; under the stack's state directory by default. */
  fileRoot?: (serviceType: string) => string;
  /** Passed to every instance's kit (size thresholds), and the fault knobs each instance starts with. */
  serviceOptions?: Pick<KitOptions, 'singleTransactionMaxRows' | 'batchSize' | 'asyncThresholdRows'> & {
    faults?: FaultSettingsInput;
  };
  /**
   * Whether the instances have fault knobs (`/admin/faults`; default true: tests, chaos runs and `tdel conformance`
   * drive them). `npm run fleet` reads it from KIT_FAULTS_ENABLED.
   */
  faultsEnabled?: boolean;
  logger?: pino.Logger;
}

/**
 * The fleet's keys, made by the caller (the fleet is an example and reads no key files itself): what its services and
 * its registry verify tokens with, and the one private key it holds, the readers', for its write guard.
 */
export interface FleetTokens {
  /** The instances accept the orchestrator's tokens (preview, delete) and the admins' (holds, fault knobs). */
  services: ServiceTokenVerifier;
  /** The registry accepts the orchestrator's, the readers' and the admins'. */
  registry: ServiceTokenVerifier;
  /** The write guard asks the registry with this: `registry:read` is all its tokens can do. */
  reader: TokenSigner;
}

export interface RunningFleetInstance {
  serviceInstanceId: string;
  serviceType: string;
  port: number;
  database: string;
  baseUrl: string;
}

export interface RunningFleet {
  instances: RunningFleetInstance[];
  registryUrl: string;
  close(): Promise<void>;
}

/** Ports the fleet needs are taken, most likely by a fleet already running. */
export class FleetPortInUseError extends Error {
  constructor(readonly conflicts: { name: string; port: number }[]) {
    super(
      `port${conflicts.length > 1 ? 's' : ''} in use: ${conflicts.map((c) => `${c.port} (${c.name})`).join(', ')}; ` +
        'is the fleet already running? stop it, or free the port',
    );
    this.name = 'FleetPortInUseError';
  }
}

/** An instance failed to start for another reason (its coverage guard refused, its database failed). */
export class FleetInstanceStartError extends Error {
  constructor(
    readonly serviceInstanceId: string,
    cause: Error,
  ) {
    super(`${serviceInstanceId} did not start: ${cause.message}`, { cause });
    this.name = 'FleetInstanceStartError';
  }
}

/** Databases are prepared a few at a time: migrations are DDL-heavy and the stack's machine is small. */
const PREPARE_CONCURRENCY = 4;

function isPortInUse(error: unknown): boolean {
  return (error as { code?: string }).code === 'EADDRINUSE';
}

export async function startFleet(options: FleetOptions): Promise<RunningFleet> {
  const instances = options.instances ?? FLEET_INSTANCES;
  const host = options.host ?? FLEET_HOST;
  const ephemeral = options.ports === 'ephemeral';
  const logger = options.logger ?? pino({ name: 'fleet', mixin: traceLogFields });
  const fileRoot = options.fileRoot ?? ((serviceType: string) => fleetFileRoot(serviceType));

  const databaseUrls = await mapWithLimit(instances, PREPARE_CONCURRENCY, (instance) =>
    prepareInstanceDatabase(options.databaseUrl, instance),
  );

  const registryPort = options.registryPort ?? (ephemeral ? 0 : REGISTRY.port);
  let registry: RunningRegistry;
  try {
    registry = await startRegistry({
      databaseUrl: registryDatabaseUrl(options.databaseUrl),
      port: registryPort,
      host,
      tokens: options.tokens.registry,
      logger: logger.child({ service: REGISTRY.serviceType }),
    });
  } catch (error) {
    if (isPortInUse(error)) throw new FleetPortInUseError([{ name: REGISTRY.serviceType, port: registryPort }]);
    throw error;
  }
  const isSuspended = suspensionCheck({ registryUrl: registry.url, signer: options.tokens.reader });

  const started = await Promise.allSettled(
    instances.map((instance, i) => {
      const definition = fleetService(instance.serviceType).definition;
      const { faults, ...sizes } = options.serviceOptions ?? {};
      return startDeletableService({
        ...sizes,
        faults: (options.faultsEnabled ?? true) ? new FaultInjector(faults) : undefined,
        definition,
        databaseUrl: databaseUrls[i],
        port: ephemeral ? 0 : instance.port,
        host,
        tokens: options.tokens.services,
        fileRoot: definition.files?.length ? fileRoot(instance.serviceType) : undefined,
        isSuspended,
        logger: logger.child({ service: instance.serviceType, instance: instance.serviceInstanceId }),
        serviceInstanceId: instance.serviceInstanceId,
      });
    }),
  );
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const closeAll = async () => {
    await Promise.all(running.map((service) => service.close()));
    await registry.close();
  };

  const failures = started.flatMap((result, i) =>
    result.status === 'rejected' ? [{ instance: instances[i], error: result.reason as Error }] : [],
  );
  if (failures.length > 0) {
    await closeAll();
    const conflicts = failures.filter((failure) => isPortInUse(failure.error));
    if (conflicts.length > 0) {
      throw new FleetPortInUseError(
        conflicts.map((c) => ({ name: c.instance.serviceInstanceId, port: c.instance.port })),
      );
    }
    throw new FleetInstanceStartError(failures[0].instance.serviceInstanceId, failures[0].error);
  }

  return {
    instances: instances.map((instance, i) => {
      const service = (started[i] as PromiseFulfilledResult<RunningDeletableService>).value;
      return {
        serviceInstanceId: instance.serviceInstanceId,
        serviceType: instance.serviceType,
        port: Number(new URL(service.url).port),
        database: instance.database,
        baseUrl: service.baseUrl,
      };
    }),
    registryUrl: registry.url,
    close: closeAll,
  };
}
