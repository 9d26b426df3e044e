import pg from 'pg';
import { instanceDatabaseUrl } from '../../services/fleet/fleet-databases';
import type { FleetInstance } from '../../services/fleet/topology';
import { KIT_TABLES } from '../../services/kit/kit-tables';

/**
 * Tenants' rows counted straight from each fleet instance's database with SQL, never through a service's preview:
 * what the chaos run believes about deleted and untouched tenants must not rest on the code under test. Ownership
 * is read from the schema: a table with a tenant_id column owns its rows by that column; any other table owns a
 * row through its foreign keys, along every path up to such a table (order_item_customizations → order_items →
 * orders). Shared rows (tenant_id NULL, e.g. system templates and city-wide weather) belong to no tenant. The kit's
 * own bookkeeping (legal holds, idempotency keys, deletion runs) is not tenant data and is left out.
 */

const TENANT_COLUMN = 'tenant_id';

interface ForeignKey {
  table: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
}

/** Tenant → instance → table → rows; tables without rows of the tenant are absent. */
export type TenantRows = Map<string, Map<string, Map<string, number>>>;

export class TenantRowCounter {
  private constructor(
    private readonly databases: { instance: FleetInstance; pool: pg.Pool; queries: Map<string, string> }[],
  ) {}

  /** Reads every instance database's catalog once; the counting queries are built from it. */
  static async open(serverUrl: string, instances: readonly FleetInstance[]): Promise<TenantRowCounter> {
    const databases = [];
    for (const instance of instances) {
      const pool = new pg.Pool({ connectionString: instanceDatabaseUrl(serverUrl, instance), max: 1 });
      databases.push({ instance, pool, queries: await countingQueries(pool) });
    }
    return new TenantRowCounter(databases);
  }

  async count(tenants: readonly string[]): Promise<TenantRows> {
    const rows: TenantRows = new Map(tenants.map((tenant) => [tenant, new Map()]));
    await Promise.all(
      this.databases.map(async ({ instance, pool, queries }) => {
        for (const [table, sql] of queries) {
          const result = await pool.query<{ owner: string; n: number }>(sql, [tenants]);
          for (const { owner, n } of result.rows) {
            const byInstance = rows.get(owner)!;
            const byTable = byInstance.get(instance.serviceInstanceId) ?? new Map<string, number>();
            byInstance.set(instance.serviceInstanceId, byTable.set(table, n));
          }
        }
      }),
    );
    return rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.databases.map(({ pool }) => pool.end()));
  }
}

/** Rows of the tenant, in one instance or (without `instance`) across the fleet. */
export function rowsOf(rows: TenantRows, tenantId: string, instance?: string): number {
  let total = 0;
  for (const [id, tables] of rows.get(tenantId) ?? []) {
    if (instance === undefined || id === instance) for (const n of tables.values()) total += n;
  }
  return total;
}

/** Every (tenant, instance, table) whose count differs between two countings, with both counts. */
export function rowChanges(before: TenantRows, after: TenantRows): { where: string; before: number; after: number }[] {
  const keys = new Set<string>();
  const flat = (rows: TenantRows) => {
    const map = new Map<string, number>();
    for (const [tenant, instances] of rows) {
      for (const [instance, tables] of instances) {
        for (const [table, n] of tables) {
          const key = `${tenant} ${instance} ${table}`;
          map.set(key, n);
          keys.add(key);
        }
      }
    }
    return map;
  };
  const [a, b] = [flat(before), flat(after)];
  return [...keys]
    .filter((key) => (a.get(key) ?? 0) !== (b.get(key) ?? 0))
    .map((where) => ({ where, before: a.get(where) ?? 0, after: b.get(where) ?? 0 }));
}

/** One query per table that holds tenant rows: `$1` the tenant ids, answering (owner, n). */
async function countingQueries(pool: pg.Pool): Promise<Map<string, string>> {
  const tables = await pool.query<{ name: string; direct: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = $1 AND a.attnum > 0 AND NOT a.attisdropped) AS direct
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY($2))`,
    [TENANT_COLUMN, [...KIT_TABLES]],
  );
  const keys = await pool.query<ForeignKey>(
    `SELECT t.relname AS "table", r.relname AS "referencedTable",
            array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, i)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.i)::text[] AS columns,
            array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i)::text[]
              AS "referencedColumns"
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`,
  );
  const direct = new Set(tables.rows.filter((t) => t.direct).map((t) => t.name));
  const known = new Set(tables.rows.map((t) => t.name));
  const outgoing = (table: string) =>
    keys.rows.filter((fk) => fk.table === table && fk.referencedTable !== table && known.has(fk.referencedTable));

  /** Every foreign-key path from `table` up to a table with the tenant column, without revisiting a table. */
  const paths = (table: string, seen: Set<string>): ForeignKey[][] =>
    outgoing(table)
      .filter((fk) => !seen.has(fk.referencedTable))
      .flatMap((fk) =>
        direct.has(fk.referencedTable)
          ? [[fk]]
          : paths(fk.referencedTable, new Set([...seen, fk.referencedTable])).map((rest) => [fk, ...rest]),
      );

  const queries = new Map<string, string>();
  for (const { name } of tables.rows) {
    if (direct.has(name)) {
      queries.set(
        name,
        `SELECT ${q(TENANT_COLUMN)} AS owner, count(*)::int AS n FROM ${q(name)}
          WHERE ${q(TENANT_COLUMN)} = ANY($1) GROUP BY 1`,
      );
      continue;
    }
    const reach = paths(name, new Set([name]));
    if (reach.length === 0) continue;
    // A row reached along two paths (two parents of one tenant) is one row: count distinct row ids.
    const branches = reach.map((path) => {
      const joins = path.map((fk, i) => {
        const on = fk.columns.map((c, j) => `t${i}.${q(c)} = t${i + 1}.${q(fk.referencedColumns[j])}`).join(' AND ');
        return `JOIN ${q(fk.referencedTable)} t${i + 1} ON ${on}`;
      });
      return `SELECT t0.ctid::text AS row, t${path.length}.${q(TENANT_COLUMN)} AS owner
                FROM ${q(name)} t0 ${joins.join(' ')}
               WHERE t${path.length}.${q(TENANT_COLUMN)} = ANY($1)`;
    });
    queries.set(
      name,
      `SELECT owner, count(DISTINCT row)::int AS n FROM (${branches.join(' UNION ALL ')}) x GROUP BY 1`,
    );
  }
  return queries;
}

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
