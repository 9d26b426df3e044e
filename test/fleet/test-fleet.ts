import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../common/config';
import { ADMIN_TOKEN_ISSUER, type Scope } from '@tenant-deletion/contract/service-token';
import { startFleet } from '../../services/fleet/fleet';
import { instanceDatabaseUrl } from '../../services/fleet/fleet-databases';
import type { FleetInstance } from '../../services/fleet/topology';
import { FLEET_INSTANCES } from '../../services/fleet/topology';
import { stackTokens } from '../stack-tokens';

/**
 * What the fleet's integration tests share. They run the real fleet against the local stack's Postgres,
 * but in databases of their own (test_fleet_…), so that their table totals are not disturbed by a
 * developer's `npm run fleet:seed` and their tenants do not show up in the developer's fleet.
 */

export const serverUrl = loadConfig().DATABASE_URL;

/** What the test's fleet verifies with, and the readers' key of its write guard: the local stack's. */
export async function fleetTokens() {
  return (await stackTokens()).fleet;
}

/** The seeder's registry access: the admins' key (registry:members), as `npm run fleet:seed` has. */
export async function adminSigner() {
  return (await stackTokens()).signers[ADMIN_TOKEN_ISSUER];
}

/**
 * The scope a fleet or registry route needs (services/kit/auth.ts, services/registry/route-scopes.ts), so that a test
 * call carries that one and no other.
 */
export function scopeFor(method: string, url: string): Scope {
  const path = new URL(url).pathname;
  if (path.startsWith('/tenants')) {
    if (/\/(suspend|resume)$/.test(path)) return 'registry:suspend';
    if (method === 'DELETE' && /^\/tenants\/[^/]+$/.test(path)) return 'registry:erase';
    if (method === 'GET' && !path.includes('/members')) return 'registry:read';
    return 'registry:members';
  }
  if (path.includes('/admin/legal-holds/')) return 'legal-hold:admin';
  if (path.endsWith('/admin/faults') || path.endsWith('/admin/request-counts')) return 'kit:faults';
  if (method === 'DELETE' || path.includes('/deletions/')) return 'tenant-data:delete';
  // Previews, and the app's own writes, which take any token of the service.
  return 'tenant-data:preview';
}

export const TEST_INSTANCES: FleetInstance[] = FLEET_INSTANCES.map((instance) => ({
  ...instance,
  database: `test_${instance.database}`,
}));

export function uniqueTenant(label: string): string {
  return `fleet-test-${label}-${randomUUID().slice(0, 8)}`;
}

export function instancePool(instance: FleetInstance): pg.Pool {
  return new pg.Pool({ connectionString: instanceDatabaseUrl(serverUrl, instance), max: 2 });
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function call(
  method: string,
  url: string,
  audience: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const token = await (await stackTokens()).mint(audience, scopeFor(method, url), 'fleet-test');
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Rows per table of the instance's schema (not the kit's bookkeeping), for before/after comparisons. */
export async function tableTotals(db: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'pgmigrations' AND c.relname NOT LIKE 'kit\\_%'`,
  );
  const totals: Record<string, number> = {};
  for (const { name } of rows) {
    const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(name)}`);
    totals[name] = Number(result.rows[0].n);
  }
  return totals;
}

/** Tables with a tenant_id column: their rows of one tenant can be counted directly. */
export async function tenantColumnTables(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name NOT LIKE 'kit\\_%'
      ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

export async function directCount(db: pg.Pool, table: string, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${pg.escapeIdentifier(table)} WHERE tenant_id = $1`,
    [tenantId],
  );
  return Number(rows[0].n);
}

/**
 * The whole test fleet on ephemeral ports, in its test databases, with its files under a new temporary directory
 * (one subdirectory per service type, `fileRootOf`); the caller removes `fileRoot` when done.
 */
export async function startTestFleet(prefix: string) {
  const fileRoot = await mkdtemp(path.join(os.tmpdir(), prefix));
  const fileRootOf = (serviceType: string) => path.join(fileRoot, serviceType);
  const fleet = await startFleet({
    databaseUrl: serverUrl,
    tokens: await fleetTokens(),
    ports: 'ephemeral',
    instances: TEST_INSTANCES,
    fileRoot: fileRootOf,
    logger: pino({ level: 'silent' }),
  });
  return { fleet, fileRoot, fileRootOf };
}
