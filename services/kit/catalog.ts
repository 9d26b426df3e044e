import type pg from 'pg';

/**
 * The part of a service's schema the deletion plan is derived from: the tables of schema `public`,
 * their columns and their foreign keys, read from pg_catalog at start-up.
 */

export type OnDeleteAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface CatalogTable {
  name: string;
  columns: string[];
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
  table: string;
  columns: string[];
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

const ON_DELETE: Record<string, OnDeleteAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

// Partitions are reached through their parent, so they are left out, as are the FK copies Postgres
// makes for them (conparentid <> 0).
const TABLES_SQL = `
  SELECT c.relname AS name,
         c.relkind = 'p' OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid) AS "hasChildTables",
         array_agg(a.attname::text ORDER BY a.attnum) AS columns,
         ARRAY(SELECT DISTINCT ia.attname::text
                 FROM pg_index i
                 JOIN pg_attribute ia ON ia.attrelid = i.indrelid AND ia.attnum = i.indkey[0]
                WHERE i.indrelid = c.oid) AS "leadingIndexColumns"
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   GROUP BY c.oid, c.relname, c.relkind
   ORDER BY c.relname`;

const FOREIGN_KEYS_SQL = `
  SELECT con.conname AS name,
         src.relname AS "table",
         dst.relname AS "referencedTable",
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
     AND sn.nspname = 'public' AND dn.nspname = 'public'
     AND NOT src.relispartition AND NOT dst.relispartition
   ORDER BY src.relname, con.conname`;

export async function readCatalog(db: pg.Pool | pg.PoolClient): Promise<SchemaCatalog> {
  const tables = await db.query<CatalogTable>(TABLES_SQL);
  const foreignKeys = await db.query<Omit<CatalogForeignKey, 'onDelete'> & { onDelete: string }>(FOREIGN_KEYS_SQL);
  return {
    tables: tables.rows,
    foreignKeys: foreignKeys.rows.map((fk) => ({ ...fk, onDelete: ON_DELETE[fk.onDelete] ?? 'no action' })),
  };
}
