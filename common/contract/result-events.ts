import { z } from 'zod';
import { identifier, isoTimestamp, serviceType } from './identifiers';
import { deletedCounts, instanceReportSchema } from './outcomes';
import { requestId } from './requests';

/**
 * One message on tenant.service.deletion.result per service instance outcome and request. We produce it, so it
 * only ever gains optional fields: consumers must ignore fields they do not know (the object stays open).
 */
export const serviceDeletionResultSchema = z.object({
  traceId: identifier,
  requestId,
  tenantId: identifier,
  serviceType,
  serviceInstanceId: identifier,
  status: instanceReportSchema.shape.status.describe(
    'REJECTED: refused before anything was deleted (e.g. an instance it depends on could not be deleted).',
  ),
  dryRun: z.boolean(),
  deletedCounts: deletedCounts.describe('Rows per table; for a dry run, what would have been deleted.'),
  attempts: z.number().int().nonnegative().describe('Calls to the service this run took.'),
  failureReason: z
    .string()
    .nullable()
    .describe("Why it did not complete, in the service's or the orchestrator's words."),
  durationMs: z.number().nonnegative(),
  finishedAt: isoTimestamp,
});

export type ServiceDeletionResult = z.infer<typeof serviceDeletionResultSchema>;
