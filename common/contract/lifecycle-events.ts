import { z } from 'zod';
import { identifier, isoTimestamp } from './identifiers';

/**
 * A tenant's milestones on tenant.lifecycle.events. We produce them, so they only ever gain optional fields:
 * consumers must ignore fields they do not know (the object stays open).
 */
export const lifecycleEventSchema = z.object({
  type: z
    .enum(['TENANT_EMPTY', 'TENANT_DELETED'])
    .describe(
      'TENANT_EMPTY: no active service instance is left; TENANT_DELETED: a whole-tenant deletion is finalized.',
    ),
  tenantId: identifier,
  traceId: identifier,
  gdprMode: z.boolean().describe("true: the tenant record's PII was erased too."),
  certificateId: z
    .string()
    .nullable()
    .describe('The signed deletion certificate that states this deletion (`tdel certificate <tenantId>`).'),
  at: isoTimestamp,
});

export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
