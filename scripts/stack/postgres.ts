import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '@tenant-deletion/kit';
import { migrate } from '../../db/migrate';
import type { Component, Health } from './component';
import { runLogged } from './daemon';
import type { StackPaths } from '../../common/stack-paths';
import { refuseHeldPorts, waitUntil } from './ports';
import { StackError } from './stack-error';

const PORT = 5432;
const HBA_MARKER = '# tenant-deletion local stack: passwordless TCP for postgres on loopback';

interface Cluster {
  version: string;
  name: string;
  port: number;
  online: boolean;
  logFile: string;
}

function clusters(): Cluster[] | undefined {
  const listed = spawnSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
  if (listed.error || listed.status !== 0) return undefined;
  return listed.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [version, name, port, status, , , logFile] = line.trim().split(/\s+/);
      return { version, name, port: Number(port), online: status.startsWith('online'), logFile: logFile ?? '' };
    });
}

function installedVersions(): string[] {
  try {
    return fs
      .readdirSync('/usr/lib/postgresql')
      .filter((entry) => /^\d+$/.test(entry))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    return [];
  }
}

/** Debian asks for a password on TCP; the contract's DATABASE_URL has none, so loopback trusts postgres. */
function allowLocalTcp(cluster: Cluster): boolean {
  const hbaFile = `/etc/postgresql/${cluster.version}/${cluster.name}/pg_hba.conf`;
  const current = fs.readFileSync(hbaFile, 'utf8');
  if (current.includes(HBA_MARKER)) return false;
  const block = [HBA_MARKER, 'host all postgres 127.0.0.1/32 trust', 'host all postgres ::1/128 trust', ''].join('\n');
  fs.writeFileSync(hbaFile, `${block}${current}`);
  return true;
}

async function canConnect(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function postgresComponent(paths: StackPaths, databaseUrl: string): Component {
  const name = 'postgres';
  const address = `localhost:${PORT}`;
  const installLog = path.join(paths.logDir, 'postgres-install.log');
  const serverUrl = Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString();
  const databaseName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

  function cluster(): Cluster | undefined {
    const all = clusters() ?? [];
    return all.find((c) => c.port === PORT) ?? all.find((c) => c.name === 'main');
  }

  function ctl(target: Cluster, action: 'start' | 'stop' | 'reload'): void {
    try {
      runLogged('pg_ctlcluster', [target.version, target.name, action], installLog);
    } catch (error) {
      throw new StackError(name, `pg_ctlcluster ${action} failed: ${(error as Error).message}`, target.logFile);
    }
  }

  async function health(): Promise<Health> {
    const current = cluster();
    if (!current) return { healthy: false, detail: 'no PostgreSQL cluster exists; run stack:up' };
    if (!current.online) return { healthy: false, detail: `cluster ${current.version}/${current.name} is down` };
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM pgmigrations');
      return {
        healthy: true,
        detail: `PostgreSQL ${current.version}, database ${databaseName}, ${rows[0].count} migrations applied`,
      };
    } catch (error) {
      return { healthy: false, detail: `database ${databaseName}: ${(error as Error).message}` };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  return {
    name,
    address,
    get logFile() {
      return cluster()?.logFile ?? installLog;
    },
    async install() {
      // The package itself comes with the stack's other system packages (system-packages.ts).
    },
    async start() {
      let current = cluster();
      if (!current) {
        const [version] = installedVersions();
        runLogged('pg_createcluster', [version, 'main', '--port', String(PORT)], installLog);
        current = cluster();
        if (!current) throw new StackError(name, 'pg_createcluster did not create a cluster', installLog);
      }
      if (current.port !== PORT) {
        throw new StackError(
          name,
          `cluster ${current.version}/${current.name} listens on ${current.port}, not ${PORT}; set port = ${PORT} in its postgresql.conf`,
          current.logFile,
        );
      }
      const hbaChanged = allowLocalTcp(current);
      if (!current.online) {
        await refuseHeldPorts(name, [PORT]);
        ctl(current, 'start');
      } else if (hbaChanged) {
        ctl(current, 'reload');
      }
      if (!(await waitUntil(() => canConnect(serverUrl), { timeoutMs: 30_000 }))) {
        throw new StackError(name, `the server does not accept connections at ${address}`, current.logFile);
      }
      await ensureDatabase(databaseUrl);
      await migrate(databaseUrl);
    },
    health,
    async stop() {
      const current = cluster();
      if (current?.online) ctl(current, 'stop');
    },
    async purge() {
      const current = cluster();
      if (!current) return;
      if (!current.online) ctl(current, 'start');
      await waitUntil(() => canConnect(serverUrl), { timeoutMs: 30_000 });
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      ctl(current, 'stop');
    },
  };
}
