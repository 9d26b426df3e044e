import { z } from 'zod';
import { identifier } from './identifiers';
import { instanceDeletionStatus, requestStatus } from './outcomes';
import { requestId } from './requests';

/**
 * The admin controls of a tenant's deletion: the `cancel`, `retryFailed` and `approve` signals and the
 * `cancelDeletion`, `retryFailedDeletion` and `approveDeletion` updates take these inputs; the updates answer
 * with a ControlResult.
 */

/** Strict: `{ "instance": ["pos-2"] }` is a typo to refuse, not a whole-tenant selection. No instances: all. */
export const instanceSelectionSchema = z.strictObject({ instances: z.array(identifier).min(1).optional() });
export type InstanceSelection = z.infer<typeof instanceSelectionSchema>;

/** `approve` releases deletions held for approval: all of the tenant's, or the named request(s). */
export const approvalSchema = z.strictObject({
  approvedBy: identifier,
  requestId: requestId.optional(),
  requestIds: z.array(requestId).min(1).optional(),
});
export type Approval = z.infer<typeof approvalSchema>;

/** What a control did to each instance and request it touched. */
export const controlResultSchema = z.object({
  instances: z.array(
    z.object({
      serviceInstanceId: z.string(),
      from: instanceDeletionStatus,
      /** CANCEL_REQUESTED: the instance's child was running; its outcome follows when it stops. */
      to: z.union([instanceDeletionStatus, z.literal('CANCEL_REQUESTED')]),
    }),
  ),
  requests: z.array(z.object({ requestId: z.string(), from: requestStatus, to: requestStatus })),
});
export type ControlResult = z.infer<typeof controlResultSchema>;
