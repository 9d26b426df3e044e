/**
 * The Temporal server's static config and dynamic config for the cluster profile. Both are written as JSON, which
 * is YAML too (the server's loader reads YAML), so no YAML writer is needed and the shape stays checkable in tests.
 * The shape follows config/development-postgres12.yaml of the server module: every service in one process, SQL
 * persistence and visibility on the stack's PostgreSQL.
 */

export const TEMPORAL_DATABASE = 'temporal';
export const TEMPORAL_VISIBILITY_DATABASE = 'temporal_visibility';
export const FRONTEND_PORT = 7233;
/** The server's other listeners: the frontend's HTTP API, history, matching, the internal worker, membership. */
export const SERVER_PORTS = {
  frontendHttp: 7243,
  history: 7234,
  matching: 7235,
  worker: 7239,
  frontendMembership: 6933,
  historyMembership: 6934,
  matchingMembership: 6935,
  workerMembership: 6939,
  metrics: 7299,
} as const;
/** A laptop's load; production sizes this once, for good (it cannot change after the schema is set up). */
const HISTORY_SHARDS = 4;

export interface ServerDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
}

function datastore(database: ServerDatabase, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${database.host}:${database.port}`,
      connectProtocol: 'tcp',
      user: database.user,
      password: database.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function service(grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) {
  return { rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } };
}

export function temporalServerConfig(database: ServerDatabase, dynamicConfigFile: string): Record<string, unknown> {
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore(database, TEMPORAL_DATABASE, 20),
        'postgres-visibility': datastore(database, TEMPORAL_VISIBILITY_DATABASE, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: {
          framework: 'tally',
          timerType: 'histogram',
          listenAddress: `127.0.0.1:${SERVER_PORTS.metrics}`,
        },
      },
    },
    services: {
      frontend: service(FRONTEND_PORT, SERVER_PORTS.frontendMembership, { httpPort: SERVER_PORTS.frontendHttp }),
      history: service(SERVER_PORTS.history, SERVER_PORTS.historyMembership),
      matching: service(SERVER_PORTS.matching, SERVER_PORTS.matchingMembership),
      worker: service(SERVER_PORTS.worker, SERVER_PORTS.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `localhost:${FRONTEND_PORT}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/** A dynamic config value that applies everywhere, in the file client's shape. */
const everywhere = (value: unknown) => [{ value, constraints: {} }];

/**
 * The dev server's own defaults that the orchestrator relies on: search attributes visible as soon as they are
 * created (the stack registers them just before the workers start), and persistence QPS raised to match.
 */
export function temporalDynamicConfig(): Record<string, unknown> {
  return {
    'system.forceSearchAttributesCacheRefreshOnRead': everywhere(true),
    'frontend.persistenceMaxQPS': everywhere(10_000),
    'history.persistenceMaxQPS': everywhere(45_000),
    'frontend.namespaceRPS.visibility': everywhere(100),
    'system.enableDeploymentVersions': everywhere(true),
    'frontend.workerVersioningWorkflowAPIs': everywhere(true),
  };
}
