import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import { FAILURE_TYPES, identifier, servicePreviewTaskQueue, type ServiceInstance } from '@tenant-deletion/contract';
import type { InstanceActivities } from '../activities/instance-activities';
import type { LoadedInventory } from '../activities/tenant-activities';
import { failureMessage, inWindow, orchestration } from './orchestration-activities';

/**
 * What a deletion of a tenant would delete, asked of each of its active instances by the workers, on each type's
 * preview queue. `tdel preview` runs it so that the service tokens stay inside the workers' activities: the CLI
 * holds no key that a service accepts. It deletes nothing, changes no ledger row, and meets no deletion workflow.
 */

export const tenantPreviewInputSchema = z.object({
  tenantId: identifier,
  traceId: z.string().min(1).max(200),
  /** Who asked: an id, recorded in the history for audit; never a name or an e-mail. */
  requestedBy: identifier,
  /** How long one instance's preview may take, its queueing included; unset: twice the type's request timeout. */
  timeoutSeconds: z.number().int().positive().max(3_600).optional(),
});
export type TenantPreviewInput = z.infer<typeof tenantPreviewInputSchema>;

export const instancePreviewSchema = z.object({
  serviceInstanceId: z.string(),
  serviceType: z.string(),
  baseUrl: z.string(),
  counts: z.record(z.string(), z.number()).nullable(),
  total: z.number().nullable(),
  /** Why this instance gave no preview, in the service's words. */
  error: z.string().nullable(),
  /** The failure's type (ServiceUnreachable, ServiceRejected…), so a caller can tell unreachable from refused. */
  errorType: z.string().nullable(),
});
export type InstancePreview = z.infer<typeof instancePreviewSchema>;

export const tenantPreviewResultSchema = z.object({
  tenantId: z.string(),
  traceId: z.string(),
  /** Every instance on record, deleted ones included: 0 means the inventory does not know the tenant. */
  inventoryInstances: z.number(),
  deletedInstances: z.number(),
  instances: z.array(instancePreviewSchema),
  total: z.number(),
  complete: z.boolean(),
});
export type TenantPreviewResult = z.infer<typeof tenantPreviewResultSchema>;

/** Previews at once: a tenant of 5,000 instances never makes 5,000 pending activities. */
const PREVIEW_WINDOW = 20;

export async function TenantPreviewWorkflow(input: TenantPreviewInput): Promise<TenantPreviewResult> {
  const valid = tenantPreviewInputSchema.safeParse(input);
  if (!valid.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid preview input for ${workflowInfo().workflowId}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  const { tenantId, traceId, timeoutSeconds } = valid.data;
  const loaded = await orchestration.loadInventory(tenantId);
  const active = loaded.instances.filter((instance) => instance.status !== 'DELETED');
  const instances = await inWindow(active, PREVIEW_WINDOW, (target) =>
    previewOne(loaded, tenantId, traceId, target, timeoutSeconds),
  );
  const failed = instances.filter((instance) => instance.error !== null);
  return {
    tenantId,
    traceId,
    inventoryInstances: loaded.instances.length,
    deletedInstances: loaded.instances.length - active.length,
    instances,
    total: instances.reduce((sum, instance) => sum + (instance.total ?? 0), 0),
    complete: failed.length === 0,
  };
}

async function previewOne(
  loaded: LoadedInventory,
  tenantId: string,
  traceId: string,
  target: ServiceInstance,
  timeoutSeconds: number | undefined,
): Promise<InstancePreview> {
  const base = {
    serviceInstanceId: target.serviceInstanceId,
    serviceType: target.serviceType,
    baseUrl: target.baseUrl,
  };
  const queue = servicePreviewTaskQueue(target.serviceType);
  const timeout = `${timeoutSeconds ?? loaded.serviceTypes[target.serviceType].requestTimeoutSeconds * 2}s`;
  try {
    // One attempt, as a person asking waits for the answer: a failure is shown, and asking again is theirs to do.
    const counts = await proxyActivities<InstanceActivities>({
      taskQueue: queue,
      scheduleToStartTimeout: timeout,
      startToCloseTimeout: timeout,
      retry: { maximumAttempts: 1 },
    }).previewInstance({ tenantId, traceId, ...target });
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    return { ...base, counts, total, error: null, errorType: null };
  } catch (error) {
    const [errorType, message] = failureOf(error, queue, target.serviceType);
    return { ...base, counts: null, total: null, error: message, errorType };
  }
}

/** The contract's failure type and the service's words; a timeout Temporal enforced counts as the service's. */
function failureOf(error: unknown, queue: string, serviceType: string): [string, string] {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (cause instanceof TimeoutFailure) {
    return cause.timeoutType === 'SCHEDULE_TO_START'
      ? [FAILURE_TYPES.unreachable, `no worker polls ${queue}: add ${serviceType} to a worker group`]
      : [FAILURE_TYPES.timeout, `${serviceType} did not answer the preview in time`];
  }
  const type = cause instanceof ApplicationFailure && cause.type ? cause.type : FAILURE_TYPES.protocol;
  return [type, failureMessage(error)];
}
