import pg from 'pg';

/**
 * How a fleet service is filled with a tenant's data: one set-based INSERT … SELECT per table over
 * generate_series, parents before children. Row ids are derived from the run's seed key and the row's
 * index (md5 → uuid), so a child finds its parent's id by arithmetic on the index instead of reading
 * it back, and every table is one statement however many rows it gets.
 */

/** A service's seed plan is inconsistent with itself; a programming error in the plan, found before any SQL runs. */
export class SeedPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedPlanError';
  }
}

/** What a column expression may use besides `g`, the row's index (0 … rows-1). */
export interface SeedExpressions {
  /** SQL for the tenant id. */
  readonly tenant: string;
  /** SQL for the run's seed key (tenant id and a random run id): unique per seeding run. */
  readonly seedKey: string;
  /** Rows this run inserts into a table of the plan. */
  count(table: string): number;
  /** The id of row `index` of `table` in this run. */
  id(table: string, index?: string): string;
  /** The id of a row of `table` in this run, chosen by `index` modulo that table's row count. */
  ref(table: string, index?: string): string;
  /** One of the values, chosen by `index` modulo their number. */
  pick(values: readonly string[], index?: string): string;
}

export type ColumnValue = string | ((sql: SeedExpressions) => string);

export interface SeedTable {
  table: string;
  /** The table's part of the instance's records, relative to the other tables of the plan. */
  share: number;
  /** Column -> SQL expression over `g` (or a function building it from the helpers). */
  columns: Record<string, ColumnValue>;
  /** The rows name files of the tenant (paths relative to the service's file root), written with them. */
  files?: { pathColumn: string; sizeColumn: string };
}

export interface ServiceSeedPlan {
  /** Rows shared by every tenant (system templates, city-wide data): idempotent, run before any tenant's rows. */
  shared: string[];
  /** Parents before children: each table's foreign keys must find their rows already inserted. */
  tables: SeedTable[];
}

/** The id of a shared row, the same in every database and on every run, so shared inserts are idempotent. */
export function sharedId(kind: string, index: string | number): string {
  return `md5(${pg.escapeLiteral(`shared:${kind}:`)} || (${index}))::uuid`;
}

/** Row counts per table for an instance that is to hold about `records` rows: at least one row per table. */
export function rowCounts(plan: ServiceSeedPlan, records: number): Map<string, number> {
  const totalShare = plan.tables.reduce((sum, table) => sum + table.share, 0);
  return new Map(
    plan.tables.map((table) => [table.table, Math.max(1, Math.round((records * table.share) / totalShare))]),
  );
}

/** Statement parameters: $1 the seed key, $2 the tenant id, $3 the table's row count. */
const PARAMETERS = '(SELECT $1::text AS seed_key, $2::text AS tenant_id) AS p';

function expressions(counts: Map<string, number>): SeedExpressions {
  const count = (table: string): number => {
    const n = counts.get(table);
    if (n === undefined) throw new SeedPlanError(`the seed plan refers to table "${table}", which it does not fill`);
    return n;
  };
  const id = (table: string, index = 'g'): string =>
    `md5(p.seed_key || ${pg.escapeLiteral(`:${table}:`)} || (${index}))::uuid`;
  return {
    tenant: 'p.tenant_id',
    seedKey: 'p.seed_key',
    count,
    id,
    ref: (table, index = 'g') => id(table, `(${index}) % ${count(table)}`),
    pick: (values, index = 'g') =>
      `(ARRAY[${values.map((value) => pg.escapeLiteral(value)).join(', ')}])[1 + (${index}) % ${values.length}]`,
  };
}

/** The INSERT for one table of the plan, given every table's row count (a child's references depend on them). */
export function insertStatement(table: SeedTable, counts: Map<string, number>): string {
  const helpers = expressions(counts);
  const columns = Object.keys(table.columns).map((column) => pg.escapeIdentifier(column));
  const values = Object.values(table.columns).map((value) => (typeof value === 'string' ? value : value(helpers)));
  const returning = table.files
    ? ` RETURNING ${pg.escapeIdentifier(table.files.pathColumn)} AS path, ${pg.escapeIdentifier(table.files.sizeColumn)} AS size`
    : '';
  return (
    `INSERT INTO ${pg.escapeIdentifier(table.table)} (${columns.join(', ')}) ` +
    `SELECT ${values.join(', ')} FROM generate_series(0, $3::int - 1) AS g, ${PARAMETERS}${returning}`
  );
}
