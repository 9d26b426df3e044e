import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import { missingSearchAttributes } from '../../../common/search-attribute-check';
import type { StackPaths } from '../../../common/stack-paths';
import type { Component, Health } from '../component';
import { runLogged, runningPid, startDaemon, stopDaemon, waitWhileRunning } from '../daemon';
import { isPortOpen, refuseHeldPorts, waitUntil } from '../ports';
import { StackError } from '../stack-error';
import { temporalBinary } from '../temporal';
import { binaryPath, installGoBinaries, type GoBinaries } from './go-binaries';
import {
  FRONTEND_PORT,
  SERVER_PORTS,
  TEMPORAL_DATABASE,
  TEMPORAL_VISIBILITY_DATABASE,
  temporalDynamicConfig,
  temporalServerConfig,
  type ServerDatabase,
} from './temporal-server-config';

/** The server release the pinned Temporal CLI (v1.5.1) is built against. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_BINARIES: GoBinaries = {
  module: 'go.temporal.io/server',
  version: TEMPORAL_SERVER_VERSION,
  goVersion: '1.25.0',
  commands: { 'cmd/server': 'temporal-server', 'cmd/tools/sql': 'temporal-sql-tool' },
};
const NAMESPACE = 'default';
const ENVIRONMENT = 'cluster';
/** The schemas compiled into temporal-sql-tool, the same files as the module's schema/postgresql/v12 dirs. */
const SCHEMAS = {
  [TEMPORAL_DATABASE]: 'postgresql/v12/temporal',
  [TEMPORAL_VISIBILITY_DATABASE]: 'postgresql/v12/visibility',
};

/** The server's database login, from the stack's DATABASE_URL: the same PostgreSQL, other databases. */
export function serverDatabase(databaseUrl: string): ServerDatabase {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
  };
}

export function temporalServerComponent(paths: StackPaths, databaseUrl: string): Component {
  const name = 'temporal';
  const dataDir = path.join(paths.stateDir, 'cluster', 'temporal');
  const configDir = path.join(dataDir, 'config');
  const logFile = path.join(paths.logDir, 'cluster-temporal.log');
  const binary = binaryPath(paths, 'temporal-server');
  const sqlTool = binaryPath(paths, 'temporal-sql-tool');
  const daemon = { pidFile: path.join(dataDir, 'temporal-server.pid'), signature: 'temporal-server', logFile };
  const address = `localhost:${FRONTEND_PORT}`;
  const database = serverDatabase(databaseUrl);
  const serverUrl = Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString();

  function sql(databaseName: string, args: string[]): void {
    runLogged(
      sqlTool,
      [
        '--plugin',
        'postgres12',
        '--endpoint',
        database.host,
        '--port',
        String(database.port),
        '--user',
        database.user,
        ...(database.password ? ['--password', database.password] : []),
        '--database',
        databaseName,
        ...args,
      ],
      logFile,
    );
  }

  async function existingDatabases(): Promise<Set<string>> {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname = ANY($1)',
        [Object.keys(SCHEMAS)],
      );
      return new Set(rows.map((row) => row.datname));
    } finally {
      await client.end();
    }
  }

  /** Creates the databases once, then brings their schemas to the binary's version (a no-op when they are). */
  async function ensureSchemas(): Promise<void> {
    const existing = await existingDatabases();
    for (const [databaseName, schema] of Object.entries(SCHEMAS)) {
      try {
        if (!existing.has(databaseName)) {
          sql(databaseName, ['create-database']);
          // Version 0.0 with no schema file: only the version tables, which update-schema then fills up to date.
          sql(databaseName, ['setup-schema', '--version', '0.0']);
        }
        sql(databaseName, ['update-schema', '--schema-name', schema]);
      } catch (error) {
        throw new StackError(name, `schema of ${databaseName}: ${(error as Error).message}`, logFile);
      }
    }
  }

  function writeConfig(): void {
    fs.mkdirSync(configDir, { recursive: true });
    const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
    fs.writeFileSync(dynamicConfigFile, `${JSON.stringify(temporalDynamicConfig(), null, 2)}\n`);
    fs.writeFileSync(
      path.join(configDir, `${ENVIRONMENT}.yaml`),
      `${JSON.stringify(temporalServerConfig(database, dynamicConfigFile), null, 2)}\n`,
    );
  }

  function cli(args: string[]): void {
    runLogged(temporalBinary(paths), [...args, '--address', address, '--namespace', NAMESPACE], logFile);
  }

  /** The default namespace and the contract's search attributes, registered with the Temporal CLI when missing. */
  async function register(): Promise<void> {
    const connection = await Connection.connect({ address, connectTimeout: '5s' });
    try {
      const namespaces = await connection.workflowService.listNamespaces({});
      if (!namespaces.namespaces.some((ns) => ns.namespaceInfo?.name === NAMESPACE)) {
        cli(['operator', 'namespace', 'create', '--retention', '72h']);
      }
      const usable = await waitUntil(
        async () => (await connection.workflowService.describeNamespace({ namespace: NAMESPACE }), true),
        { timeoutMs: 30_000 },
      );
      if (!usable) throw new StackError(name, `namespace ${NAMESPACE} was not usable within 30 s`, logFile);
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
      const absent = Object.entries(SEARCH_ATTRIBUTES).filter(
        ([attribute]) => !(attribute in (customAttributes ?? {})),
      );
      if (absent.length > 0) {
        cli([
          'operator',
          'search-attribute',
          'create',
          ...absent.flatMap(([attribute, type]) => ['--name', attribute, '--type', type]),
        ]);
      }
    } finally {
      await connection.close();
    }
  }

  async function health(): Promise<Health> {
    if (!(await isPortOpen(FRONTEND_PORT))) return { healthy: false, detail: `nothing listens on ${address}` };
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '3s' });
      const { serverVersion } = await connection.workflowService.getClusterInfo({});
      const missing = await missingSearchAttributes(connection, NAMESPACE);
      if (missing.length > 0) return { healthy: false, detail: `search attributes: ${missing.join('; ')}` };
      return {
        healthy: true,
        detail: `Temporal server ${serverVersion} on PostgreSQL (${TEMPORAL_DATABASE}, ${TEMPORAL_VISIBILITY_DATABASE}), ${Object.keys(SEARCH_ATTRIBUTES).length} search attributes`,
      };
    } catch (error) {
      return { healthy: false, detail: `frontend does not answer: ${(error as Error).message}` };
    } finally {
      await connection?.close();
    }
  }

  return {
    name,
    address,
    logFile,
    async install() {
      installGoBinaries(paths, SERVER_BINARIES, name, logFile);
    },
    async start() {
      if (runningPid(daemon) === undefined) {
        await refuseHeldPorts(name, [FRONTEND_PORT, ...Object.values(SERVER_PORTS)]);
        await ensureSchemas();
        writeConfig();
        startDaemon({
          ...daemon,
          command: binary,
          args: ['--root', '/', '--config', configDir, '--env', ENVIRONMENT, '--allow-no-auth', 'start'],
        });
      }
      const answering = await waitWhileRunning(
        name,
        daemon,

        async () => {
          const connection = await Connection.connect({ address, connectTimeout: '2s' });
          try {
            await connection.workflowService.getSystemInfo({});
            return true;
          } finally {
            await connection.close();
          }
        },
        90_000,
      );
      if (!answering) throw new StackError(name, `the frontend did not answer on ${address} within 90 s`, logFile);
      await register();
      const ready = await waitUntil(async () => (await health()).healthy, { timeoutMs: 30_000 });
      if (!ready) throw new StackError(name, `not healthy within 30 s: ${(await health()).detail}`, logFile);
    },
    health,
    async stop() {
      await stopDaemon(daemon);
    },
    async purge() {
      const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
      // The stack's PostgreSQL may already be stopped: then the databases stay, and the next purge drops them.
      if (
        await client.connect().then(
          () => true,
          () => false,
        )
      ) {
        try {
          for (const databaseName of Object.keys(SCHEMAS)) {
            await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
          }
        } finally {
          await client.end();
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
