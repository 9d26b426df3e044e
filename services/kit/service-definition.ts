import { z } from 'zod';
import { serviceType } from '@tenant-deletion/contract';

/**
 * What a service author writes to make a Postgres-backed service deletable: everything else (which
 * tables hold a tenant's rows, in which order they go) is read from the schema itself.
 */

const sqlName = z.string().min(1).max(63, 'must be at most 63 characters (a Postgres identifier)');
/** A table of the role's current schema by its name, any other as `schema.table`. */
const tableName = z.string().min(1).max(127, 'must be a table name, or schema.table, of Postgres identifiers');

export const plannedCascadeSchema = z.object({
  /** The referencing table, whose rows the foreign key deletes (CASCADE) or clears (SET NULL, SET DEFAULT). */
  table: tableName,
  /** The foreign key constraint's name. */
  foreignKey: sqlName,
});

export const filesEntrySchema = z.object({
  table: tableName,
  /** Holds a path relative to the service's file root. */
  pathColumn: sqlName,
  /** The key under which unlinked files are counted in preview and delete answers. */
  countAs: sqlName,
});

export const deletableServiceDefinitionSchema = z.object({
  /** The JWT audience and the answers' service_name. */
  serviceType,
  tenantColumn: sqlName.default('tenant_id'),
  /** Table -> SQL predicate over that table's own (unqualified) columns naming shared rows that stay. */
  keep: z.record(tableName, z.string().trim().min(1, 'must be a SQL predicate')).default({}),
  /** Table -> why it is not part of deletion; the reason is what lets the coverage guard accept it. */
  exclude: z
    .record(tableName, z.string().trim().min(10, 'must give a written reason (at least 10 characters)'))
    .default({}),
  files: z.array(filesEntrySchema).default([]),
  /** The table the write endpoint records audit events in (columns: tenant column, action, created_at). */
  auditTable: tableName.optional(),
  /**
   * Indirect table -> the foreign key that decides whose its rows are (its constraint name, or the referenced
   * table when only one of its foreign keys leads there). Needed when a table reaches tenant rows through
   * several foreign keys, which could lead to different tenants: a row then goes only when reached through
   * this one and no other foreign key leads to another tenant's row.
   */
  ownerPaths: z.record(tableName, z.string().min(1).max(127)).default({}),
  /**
   * ON DELETE CASCADE / SET NULL / SET DEFAULT foreign keys into deleted tables that the author accepts: the
   * kit deletes (or clears) the rows they would reach itself, before the referenced rows go, and counts them.
   */
  plannedCascades: z.array(plannedCascadeSchema).default([]),
});

/** What the author writes (defaults may be left out). */
export type DeletableServiceDefinition = z.input<typeof deletableServiceDefinitionSchema>;
/** The definition with its defaults applied, as the kit uses it. */
export type ServiceDefinition = z.infer<typeof deletableServiceDefinitionSchema>;
export type FilesEntry = z.infer<typeof filesEntrySchema>;
export type PlannedCascade = z.infer<typeof plannedCascadeSchema>;

/** The definition, or the options around it, cannot work; the message says which entry and why. */
export class KitDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KitDefinitionError';
  }
}

export function parseDefinition(input: DeletableServiceDefinition): ServiceDefinition {
  const parsed = deletableServiceDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'definition'}: ${issue.message}`);
    throw new KitDefinitionError(`invalid deletable service definition: ${issues.join('; ')}`);
  }
  return parsed.data;
}
