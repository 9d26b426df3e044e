import { z } from 'zod';
import { serviceType } from '../../common/identifiers';

/**
 * What a service author writes to make a Postgres-backed service deletable: everything else (which
 * tables hold a tenant's rows, in which order they go) is read from the schema itself.
 */

const sqlName = z.string().min(1).max(63, 'must be at most 63 characters (a Postgres identifier)');

export const filesEntrySchema = z.object({
  table: sqlName,
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
  keep: z.record(sqlName, z.string().trim().min(1, 'must be a SQL predicate')).default({}),
  /** Table -> why it is not part of deletion; the reason is what lets the coverage guard accept it. */
  exclude: z
    .record(sqlName, z.string().trim().min(10, 'must give a written reason (at least 10 characters)'))
    .default({}),
  files: z.array(filesEntrySchema).default([]),
  /** The table the write endpoint records audit events in (columns: tenant column, action, created_at). */
  auditTable: sqlName.optional(),
});

/** What the author writes (defaults may be left out). */
export type DeletableServiceDefinition = z.input<typeof deletableServiceDefinitionSchema>;
/** The definition with its defaults applied, as the kit uses it. */
export type ServiceDefinition = z.infer<typeof deletableServiceDefinitionSchema>;
export type FilesEntry = z.infer<typeof filesEntrySchema>;

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
