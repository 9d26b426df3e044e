import fc from 'fast-check';

/**
 * Random service schemas for the cross-tenant canary, with rows for several tenants and, worked out here
 * without the kit, which rows deleting one tenant must remove. Pure: DDL and INSERTs are returned as text.
 *
 * Tables only reference earlier tables (or themselves), so the FK graph is acyclic but may be deep (a
 * table's first FK targets the previous table unless shrinking says otherwise) and may join several paths.
 * A row's owners are the tenants its tenant column names (direct tables) or, for tables without one, the
 * union of the owners of every row it references through its other tables' keys; as in the kit, a
 * self-reference (a reply's parent) is not an ownership path, and decides only for a row that references
 * nothing else. A row owned by the deleted tenant alone must go; every other row must stay byte-identical.
 */

export const TENANT_COLUMN_TYPES = ['text', 'varchar', 'uuid', 'citext', 'case-insensitive collation'] as const;
export type TenantColumnType = (typeof TENANT_COLUMN_TYPES)[number];
export const ON_DELETE_ACTIONS = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL'] as const;
export type OnDelete = (typeof ON_DELETE_ACTIONS)[number];
export type TableKind = 'direct' | 'child' | 'lookup';

export interface ForeignKeySpec {
  target: string;
  columns: string[];
  targetColumns: string[];
  nullable: boolean;
  onDelete: OnDelete;
}

export interface RowSpec {
  key: number[];
  /** direct tables only; null is a shared row */
  tenant?: string | null;
  /** the referenced key per foreign key (same order as the table's), or null */
  refs: (number[] | null)[];
  owners: string[];
}

export interface TableSpec {
  name: string;
  kind: TableKind;
  keyColumns: string[];
  tenantNullable: boolean;
  partitioned: boolean;
  /** a self-reference, if any, is one of these (target = the table itself) */
  foreignKeys: ForeignKeySpec[];
  rows: RowSpec[];
}

export interface RandomSchema {
  tenantType: TenantColumnType;
  tenants: string[];
  victim: string;
  tables: TableSpec[];
}

export const TENANT_COLUMN = 'tenant_id';
/** Tables on the longest foreign key chain. */
export const MAX_DEPTH = 6;
// Ids obeying the contract's identifier rule. Two differ only by case: a case-insensitive tenant column
// cannot tell them apart (third, so that other counterexamples shrink to acme and globex). uuid ids are
// distinct values (as uuids, case never distinguishes two ids).
const TEXT_TENANTS = ['acme', 'globex', 'ACME', 'initech', 'umbrella'];
const UUID_TENANTS = [1, 2, 3, 4, 5].map((n) => `00000000-0000-4000-8000-00000000000${n}`);

// A choice shrinks to its first, plainest option (a table without partitions, NO ACTION, text...).
const SHRINK_TO_FIRST = { withCrossShrink: true };
const rarely = (weight = 4) => fc.oneof(SHRINK_TO_FIRST, { weight, arbitrary: fc.constant(false) }, fc.constant(true));
const onDelete = fc.oneof(
  SHRINK_TO_FIRST,
  { weight: 6, arbitrary: fc.constant<OnDelete>('NO ACTION') },
  ...ON_DELETE_ACTIONS.slice(1).map((action) => fc.constant<OnDelete>(action)),
);
const rawRow = fc.record({
  home: fc.nat(),
  shared: rarely(6),
  // One choice per possible foreign key: which parent row, whether NULL, whether another tenant's.
  refs: fc.array(fc.record({ pick: fc.nat(), isNull: rarely(3), cross: rarely() }), { minLength: 4, maxLength: 4 }),
  parent: fc.option(fc.nat(), { freq: 2 }),
});
const rawTable = fc.record({
  kind: fc.oneof(
    SHRINK_TO_FIRST,
    { weight: 3, arbitrary: fc.constant<TableKind>('direct') },
    { weight: 4, arbitrary: fc.constant<TableKind>('child') },
    { weight: 1, arbitrary: fc.constant<TableKind>('lookup') },
  ),
  composite: rarely(),
  partitioned: rarely(5),
  tenantNullable: rarely(),
  selfReference: fc.oneof(SHRINK_TO_FIRST, { weight: 4, arbitrary: fc.constant(null) }, onDelete),
  foreignKeys: fc.array(
    fc.record({
      back: fc.oneof(SHRINK_TO_FIRST, { weight: 2, arbitrary: fc.constant(0) }, fc.nat()),
      nullable: rarely(2),
      onDelete,
    }),
    { maxLength: 3 },
  ),
  rows: fc.array(rawRow, { maxLength: 8 }),
});
type RawTable = typeof rawTable extends fc.Arbitrary<infer T> ? T : never;

export function randomSchema(): fc.Arbitrary<RandomSchema> {
  return fc
    .record({
      tenantType: fc.oneof(
        SHRINK_TO_FIRST,
        { weight: 4, arbitrary: fc.constant<TenantColumnType>('text') },
        ...TENANT_COLUMN_TYPES.slice(1).map((type) => fc.constant(type)),
      ),
      tenantCount: fc.integer({ min: 3, max: 5 }),
      victim: fc.nat(),
      tables: fc.array(rawTable, { minLength: 1, maxLength: 8 }),
    })
    .map(({ tenantType, tenantCount, victim, tables }) => {
      const tenants = (tenantType === 'uuid' ? UUID_TENANTS : TEXT_TENANTS).slice(0, tenantCount);
      // Shrinking drops an array's first items: reversed, that drops the last tables (and rows), which
      // nothing earlier references, so what remains is the same schema, smaller.
      const built = build([...tables].reverse(), tenants);
      // The deleted tenant is one with rows, when any tenant has some.
      const owning = tenants.filter((tenant) =>
        built.some((table) => table.rows.some((row) => row.owners.includes(tenant))),
      );
      const candidates = owning.length > 0 ? owning : tenants;
      return withToString({ tenantType, tenants, victim: candidates[victim % candidates.length], tables: built });
    });
}

function build(raws: RawTable[], tenants: string[]): TableSpec[] {
  const kinds = raws.map((raw, i) => (i === 0 && raw.kind === 'child' ? 'direct' : raw.kind));
  if (!kinds.includes('direct')) kinds[0] = 'direct';
  const tables: TableSpec[] = [];
  raws.forEach((raw, i) => {
    const kind = kinds[i];
    const name = `${kind}${i}`;
    const keyColumns = raw.composite ? ['id', 'n'] : ['id'];
    const outgoing = kind === 'lookup' ? [] : raw.foreignKeys.slice(0, i === 0 ? 0 : 3);
    if (kind === 'child' && outgoing.length === 0) outgoing.push({ back: 0, nullable: false, onDelete: 'NO ACTION' });
    const taken = new Map<string, number>();
    const foreignKeys = outgoing.map(({ back, nullable, onDelete }) => {
      // Chains stop at MAX_DEPTH tables: a foreign key that would pass it goes to an earlier table.
      let t = i - 1 - (back % i);
      while (depthOf(tables[t], tables) >= MAX_DEPTH) t--;
      const target = tables[t];
      const seen = (taken.get(target.name) ?? 0) + 1;
      taken.set(target.name, seen);
      const prefix = `${target.name}_${seen === 1 ? '' : `${seen}_`}`;
      return foreignKey(target, prefix, nullable || onDelete === 'SET NULL', onDelete);
    });
    const table: TableSpec = {
      name,
      kind,
      keyColumns,
      tenantNullable: kind === 'direct' && raw.tenantNullable,
      partitioned: raw.partitioned,
      foreignKeys,
      rows: [],
    };
    // A self-reference is always nullable: the first row has nothing earlier to point at.
    if (raw.selfReference !== null && kind !== 'lookup') {
      foreignKeys.push(foreignKey(table, 'parent_', true, raw.selfReference));
    }
    table.rows = buildRows(raw, table, tables, tenants);
    tables.push(table);
  });
  return tables;
}

function depthOf(table: TableSpec, tables: TableSpec[]): number {
  const parents = table.foreignKeys
    .filter((fk) => fk.target !== table.name)
    .map((fk) => tables.find((candidate) => candidate.name === fk.target)!);
  return 1 + Math.max(0, ...parents.map((parent) => depthOf(parent, tables)));
}

function foreignKey(target: TableSpec, prefix: string, nullable: boolean, onDelete: OnDelete): ForeignKeySpec {
  const columns = target.keyColumns.map((column) => `${prefix}${column}`);
  return { target: target.name, columns, targetColumns: target.keyColumns, nullable, onDelete };
}

function buildRows(raw: RawTable, table: TableSpec, earlier: TableSpec[], tenants: string[]): RowSpec[] {
  const byName = new Map(earlier.map((spec) => [spec.name, spec]));
  const rows: RowSpec[] = [];
  for (const choice of [...raw.rows].reverse()) {
    const home = tenants[choice.home % tenants.length];
    const tenant = table.kind !== 'direct' ? undefined : table.tenantNullable && choice.shared ? null : home;
    const refs: (number[] | null)[] = [];
    let possible = true;
    table.foreignKeys.forEach((fk, j) => {
      const self = fk.target === table.name;
      const { pick, isNull, cross } = self ? { pick: choice.parent ?? 0, isNull: false, cross: false } : choice.refs[j];
      const candidates = self ? rows : byName.get(fk.target)!.rows;
      if ((self && choice.parent === null) || (fk.nullable && isNull) || candidates.length === 0) {
        if (!fk.nullable) possible = false;
        refs.push(null);
        return;
      }
      // Rows mostly reference their own tenant's rows; sometimes anyone's, to make shared and ambiguous rows.
      const mine = candidates.filter((row) => row.owners.length === 1 && row.owners[0] === home);
      const pool = cross || mine.length === 0 ? candidates : mine;
      refs.push(pool[pick % pool.length].key);
    });
    if (!possible) continue;
    const i = rows.length;
    const key = table.keyColumns.length === 1 ? [i + 1] : [Math.floor(i / 2) + 1, (i % 2) + 1];
    const row: RowSpec = { key, refs, owners: [] };
    if (tenant !== undefined) row.tenant = tenant;
    row.owners = ownersOf(row, table, rows, byName);
    rows.push(row);
  }
  return rows;
}

function ownersOf(row: RowSpec, table: TableSpec, ownRows: RowSpec[], earlier: Map<string, TableSpec>): string[] {
  if (table.kind === 'direct') return row.tenant ? [row.tenant] : [];
  const through = (self: boolean) => {
    const owners = new Set<string>();
    table.foreignKeys.forEach((fk, j) => {
      const ref = row.refs[j];
      if (ref === null || (fk.target === table.name) !== self) return;
      const rows = self ? ownRows : earlier.get(fk.target)!.rows;
      for (const owner of rows.find((candidate) => sameKey(candidate.key, ref))!.owners) owners.add(owner);
    });
    return owners;
  };
  const owners = through(false);
  return [...(owners.size > 0 ? owners : through(true))].sort();
}

export function sameKey(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

const COLUMN_TYPES: Record<TenantColumnType, string> = {
  text: 'text',
  varchar: 'varchar(64)',
  uuid: 'uuid',
  citext: 'citext',
  'case-insensitive collation': 'text COLLATE case_insensitive',
};
const PREAMBLES: Partial<Record<TenantColumnType, string>> = {
  citext: 'CREATE EXTENSION IF NOT EXISTS citext;',
  'case-insensitive collation':
    "CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);",
};

/** CREATE statements, parents first, for an empty schema on the search path. */
export function schemaDdl(schema: RandomSchema): string {
  const statements = schema.tables.flatMap((table) => {
    const columns = table.keyColumns.map((column) => `${column} int NOT NULL`);
    if (table.kind === 'direct') {
      columns.push(`${TENANT_COLUMN} ${COLUMN_TYPES[schema.tenantType]}${table.tenantNullable ? '' : ' NOT NULL'}`);
    }
    for (const fk of table.foreignKeys)
      columns.push(...fk.columns.map((c) => `${c} int${fk.nullable ? '' : ' NOT NULL'}`));
    const constraints = [
      `PRIMARY KEY (${table.keyColumns.join(', ')})`,
      ...table.foreignKeys.map(
        (fk) =>
          `FOREIGN KEY (${fk.columns.join(', ')}) REFERENCES ${fk.target} (${fk.targetColumns.join(', ')})` +
          (fk.onDelete === 'NO ACTION' ? '' : ` ON DELETE ${fk.onDelete}`),
      ),
    ];
    const body = [...columns, ...constraints].map((line) => `  ${line}`).join(',\n');
    const create = `CREATE TABLE ${table.name} (\n${body}\n)${table.partitioned ? ' PARTITION BY HASH (id)' : ''};`;
    if (!table.partitioned) return [create];
    const partitions = [0, 1].map(
      (r) => `CREATE TABLE ${table.name}_p${r} PARTITION OF ${table.name} FOR VALUES WITH (MODULUS 2, REMAINDER ${r});`,
    );
    return [create, ...partitions];
  });
  const preamble = PREAMBLES[schema.tenantType];
  return [...(preamble ? [preamble] : []), ...statements].join('\n');
}

/** INSERT statements, parents first; each row says whose it is. */
export function dataSql(schema: RandomSchema): string {
  return schema.tables
    .filter((table) => table.rows.length > 0)
    .map((table) => {
      const columns = [
        ...table.keyColumns,
        ...(table.kind === 'direct' ? [TENANT_COLUMN] : []),
        ...table.foreignKeys.flatMap((fk) => fk.columns),
      ];
      const values = table.rows.map((row, i) => {
        const cells = [
          ...row.key.map(String),
          ...(row.tenant === undefined ? [] : [row.tenant === null ? 'NULL' : `'${row.tenant}'`]),
          ...row.refs.flatMap((ref, j) => ref?.map(String) ?? table.foreignKeys[j].columns.map(() => 'NULL')),
        ];
        const separator = i === table.rows.length - 1 ? ';' : ',';
        return `  (${cells.join(', ')})${separator} -- ${row.owners.length === 0 ? 'nobody' : row.owners.join(' + ')}`;
      });
      return `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES\n${values.join('\n')}`;
    })
    .join('\n');
}

/** The whole counterexample: what a reader pastes into psql to see it. */
export function describeSchema(schema: RandomSchema): string {
  return [
    `-- tenants ${schema.tenants.join(', ')} (tenant column ${schema.tenantType}); deleting ${schema.victim}`,
    schemaDdl(schema),
    dataSql(schema),
  ].join('\n');
}

function withToString(schema: RandomSchema): RandomSchema {
  return Object.assign(schema, { [fc.toStringMethod]: () => `\n${describeSchema(schema)}\n` });
}

export interface DeletionExpectation {
  /** per table, the keys (`1,2`) of the rows owned by the deleted tenant alone */
  gone: Map<string, Set<string>>;
  /**
   * Why the deletion may fail as a whole (and must then change nothing): a staying row references a leaving
   * one under NO ACTION/RESTRICT, or a leaving row is the tenant's only through its self-reference, which the
   * kit does not follow (its README's limits). Empty: the deletion must succeed.
   */
  mayFail: string[];
}

export function keyText(key: number[]): string {
  return key.join(',');
}

export function expectedDeletion(schema: RandomSchema): DeletionExpectation {
  const leaves = (row: RowSpec) => row.owners.length === 1 && row.owners[0] === schema.victim;
  const gone = new Map(
    schema.tables.map((table) => [table.name, new Set(table.rows.filter(leaves).map((row) => keyText(row.key)))]),
  );
  const mayFail: string[] = [];
  // What the kit finds: the tenant column, or a foreign key (not the self-reference) to a row it finds.
  const found = new Map<string, Set<string>>();
  for (const table of schema.tables) {
    const keys = new Set<string>();
    found.set(table.name, keys);
    for (const row of table.rows) {
      const viaParent = table.foreignKeys.some((fk, j) => {
        const ref = row.refs[j];
        return fk.target !== table.name && ref !== null && found.get(fk.target)!.has(keyText(ref));
      });
      if (table.kind === 'direct' ? row.tenant === schema.victim : viaParent) keys.add(keyText(row.key));
      if (leaves(row) && !keys.has(keyText(row.key))) {
        mayFail.push(`${table.name} (${keyText(row.key)}) is the tenant's only through its self-reference`);
      }
      table.foreignKeys.forEach((fk, j) => {
        const ref = row.refs[j];
        const blocks = fk.onDelete === 'NO ACTION' || fk.onDelete === 'RESTRICT';
        if (blocks && ref !== null && !leaves(row) && gone.get(fk.target)!.has(keyText(ref))) {
          mayFail.push(`${table.name} (${keyText(row.key)}) stays but references ${fk.target} (${keyText(ref)})`);
        }
      });
    }
  }
  return { gone, mayFail };
}

/** What a schema exercises, for the generator's coverage test and the canary's tally. */
export interface SchemaFeatures {
  /** tables on the longest foreign key chain (self-references aside) */
  depth: number;
  compositeKey: boolean;
  partitioned: boolean;
  selfReference: boolean;
  nullableForeignKey: boolean;
  /** a table with foreign keys to two or more tables holding tenant data */
  multiplePaths: boolean;
  /** a table without the tenant column and without foreign keys, referenced by others */
  sharedLookup: boolean;
  /** a row with a NULL tenant column */
  sharedRows: boolean;
  /** a row reached from two tenants */
  ambiguousRows: boolean;
  onDelete: OnDelete[];
}

export function schemaFeatures(schema: RandomSchema): SchemaFeatures {
  const depth = new Map<string, number>();
  const holdsTenantData = new Set<string>();
  for (const table of schema.tables) {
    const parents = table.foreignKeys.filter((fk) => fk.target !== table.name);
    depth.set(table.name, 1 + Math.max(0, ...parents.map((fk) => depth.get(fk.target)!)));
    if (table.kind === 'direct' || parents.some((fk) => holdsTenantData.has(fk.target)))
      holdsTenantData.add(table.name);
  }
  const foreignKeys = schema.tables.flatMap((table) => table.foreignKeys.map((fk) => ({ ...fk, table: table.name })));
  const rows = schema.tables.flatMap((table) => table.rows);
  return {
    depth: Math.max(...depth.values()),
    compositeKey: schema.tables.some((table) => table.keyColumns.length > 1),
    partitioned: schema.tables.some((table) => table.partitioned),
    selfReference: foreignKeys.some((fk) => fk.target === fk.table),
    nullableForeignKey: foreignKeys.some((fk) => fk.nullable && fk.target !== fk.table),
    multiplePaths: schema.tables.some(
      (table) =>
        table.foreignKeys.filter((fk) => fk.target !== table.name && holdsTenantData.has(fk.target)).length > 1,
    ),
    sharedLookup: foreignKeys.some((fk) => fk.target.startsWith('lookup')),
    sharedRows: rows.some((row) => row.tenant === null),
    ambiguousRows: rows.some((row) => row.owners.length > 1),
    onDelete: [...new Set(foreignKeys.map((fk) => fk.onDelete))].sort(),
  };
}
