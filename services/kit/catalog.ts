import type pg from 'pg';

/**
 * The part of a service's schema the deletion plan is derived from: every table the service's role may
 * write, in every schema it may use (tenant data in a second schema must not be left behind and
 * certified gone), with their columns, column types and foreign keys, read from pg_catalog at start-up.
 *
 * Tables are named by a key: the bare name for tables of the role's current schema (where unqualified
 * names resolve, normally `public`), `schema.table` for the others. Keys name tables in the definition
 * and in the answers' counts; statements always use the schema and relation, quoted.
 */

export type OnDeleteAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ColumnType {
  /** The base type's name (a domain is resolved to its base): text, varchar, uuid, citext, … */
  type: string;
  /** The column's collation, when its type is collatable. */
  collation: string | null;
  /** False for nondeterministic (e.g. case-insensitive ICU) collations: equal strings need not be identical. */
  deterministic: boolean;
}

export interface CatalogTable {
  /** The key (see above). */
  name: string;
  schema: string;
  /** The table's name within its schema. */
  relation: string;
  columns: string[];
  columnTypes: Record<string, ColumnType>;
  /**
   * Its rows live in child tables too (partitions, or inheritance children), whose ctids repeat across
   * children, so a row is addressed by (tableoid, ctid).
   */
  hasChildTables: boolean;
  /** The first column of each of its indexes: what makes a lookup by that column cheap. */
  leadingIndexColumns: string[];
}

export interface CatalogForeignKey {
  name: string;
  /** The referencing table's key. */
  table: string;
  columns: string[];
  /** The referenced table's key. */
  referencedTable: string;
  referencedColumns: string[];
  onDelete: OnDeleteAction;
  /** Whether an index starts with the referencing columns; without one, deleting a referenced row scans the table. */
  indexed: boolean;
}

export interface SchemaCatalog {
  tables: CatalogTable[];
  foreignKeys: CatalogForeignKey[];
}

/** The table's schema and relation for statements, found by key. */
export type TableLocation = Pick<CatalogTable, 'schema' | 'relation'>;

const ON_DELETE: Record<string, OnDeleteAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

// Tables the role may write (any of INSERT, UPDATE, DELETE) in schemas it may use, system schemas aside.
// Partitions are reached through their parent, so they are left out, as are the FK copies Postgres
// makes for them (conparentid <> 0).
const READABLE_TABLE = `
  c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE')`;

const TABLES_SQL = `
  SELECT n.nspname AS schema, c.relname AS relation,
         c.relkind = 'p' OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid) AS "hasChildTables",
         array_agg(a.attname::text ORDER BY a.attnum) AS columns,
         json_object_agg(a.attname, json_build_object(
           'type', COALESCE(bt.typname, t.typname),
           'collation', co.collname,
           'deterministic', COALESCE(co.collisdeterministic, true))) AS "columnTypes",
         ARRAY(SELECT DISTINCT ia.attname::text
                 FROM pg_index i
                 JOIN pg_attribute ia ON ia.attrelid = i.indrelid AND ia.attnum = i.indkey[0]
                WHERE i.indrelid = c.oid) AS "leadingIndexColumns"
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
   WHERE ${READABLE_TABLE}
   GROUP BY c.oid, n.nspname, c.relname, c.relkind
   ORDER BY n.nspname, c.relname`;

const FOREIGN_KEYS_SQL = `
  SELECT con.conname AS name,
         sn.nspname AS "schema", src.relname AS "relation",
         dn.nspname AS "referencedSchema", dst.relname AS "referencedRelation",
         con.confdeltype AS "onDelete",
         ARRAY(SELECT a.attname::text
                 FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                ORDER BY k.position) AS columns,
         ARRAY(SELECT a.attname::text
                 FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                ORDER BY k.position) AS "referencedColumns",
         EXISTS (SELECT 1 FROM pg_index i
                  WHERE i.indrelid = con.conrelid
                    AND (i.indkey::int2[])[0:array_length(con.conkey, 1) - 1] = con.conkey) AS indexed
    FROM pg_constraint con
    JOIN pg_class src ON src.oid = con.conrelid
    JOIN pg_namespace sn ON sn.oid = src.relnamespace
    JOIN pg_class dst ON dst.oid = con.confrelid
    JOIN pg_namespace dn ON dn.oid = dst.relnamespace
   WHERE con.contype = 'f' AND con.conparentid = 0
     AND NOT src.relispartition AND NOT dst.relispartition
   ORDER BY sn.nspname, src.relname, con.conname`;

type TableRow = Omit<CatalogTable, 'name'>;
interface ForeignKeyRow extends Omit<CatalogForeignKey, 'onDelete' | 'table' | 'referencedTable'> {
  schema: string;
  relation: string;
  referencedSchema: string;
  referencedRelation: string;
  onDelete: string;
}

/** The key of a table (see above). */
export function tableKey(currentSchema: string, schema: string, relation: string): string {
  return schema === currentSchema ? relation : `${schema}.${relation}`;
}

export async function readCatalog(db: pg.Pool | pg.PoolClient): Promise<SchemaCatalog> {
  const current = (await db.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0].schema;
  const tables = (await db.query<TableRow>(TABLES_SQL)).rows.map((table): CatalogTable => ({
    name: tableKey(current, table.schema, table.relation),
    ...table,
  }));
  const keys = new Set(tables.map((table) => table.name));
  const foreignKeys = (await db.query<ForeignKeyRow>(FOREIGN_KEYS_SQL)).rows
    .map(({ schema, relation, referencedSchema, referencedRelation, ...fk }) => ({
      ...fk,
      table: tableKey(current, schema, relation),
      referencedTable: tableKey(current, referencedSchema, referencedRelation),
      onDelete: ON_DELETE[fk.onDelete] ?? 'no action',
    }))
    // Keys into a table read above, from any table: one the role cannot write may still block or cascade.
    .filter((fk) => keys.has(fk.referencedTable));
  return { tables, foreignKeys };
}
