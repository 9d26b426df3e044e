import { CancellationScope, isCancellation, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { serviceInstanceWorkflowId, serviceTaskQueue, type InstanceState } from '@tenant-deletion/contract';
import type { LoadedInventory } from '../activities/tenant-activities';
import {
  DELETION_STATUS,
  GDPR_MODE,
  SERVICE_INSTANCE_ID,
  SERVICE_TYPE,
  TENANT_ID,
} from '@tenant-deletion/client/search-attributes';
import { ServiceInstanceDeletionWorkflow } from './service-instance-deletion-workflow';
import { failureMessage } from './orchestration-activities';
import type { TenantState } from './tenant-state';

/**
 * Starts one instance's child on its service type's bulkhead queue. Children outlive the run that starts them
 * (ABANDON): a continue-as-new never waits for a slow or held one. The outcome comes back twice when the run is
 * still the same (the child's result and its signal to the parent's workflow id) and is applied once.
 *
 * Resolves once the server has started the child (or refused to): a run must not continue as new before that, as
 * the server drops the start of a child whose parent run has closed.
 */
export function launch(
  state: TenantState,
  instance: InstanceState,
  loaded: LoadedInventory,
  now: () => number,
): Promise<void> {
  const { tenantId } = state;
  const id = instance.serviceInstanceId;
  const planned = state.inventoryInstance(id);
  const run = instance.run;
  state.started(id, now());
  if (!planned) {
    state.finish(id, run, gone('it is no longer in the inventory'), now());
    return Promise.resolve();
  }
  const requests = instance.requestIds.map((requestId) => state.requests.get(requestId));
  const gdprMode = requests.some((request) => request?.gdprMode);
  const traceId = requests.find((request) => request)?.traceId ?? tenantId;
  // Started outside the workflow's cancellation scope: a cancelled tenant workflow cancels its children itself,
  // by id, and waits for what they report.
  let childStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (childStarted = resolve));
  void CancellationScope.nonCancellable(async () => {
    try {
      const child = await startChild(ServiceInstanceDeletionWorkflow, {
        workflowId: serviceInstanceWorkflowId(tenantId, id),
        taskQueue: serviceTaskQueue(instance.serviceType),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `delete ${instance.serviceType} ${id} of tenant ${tenantId}${gdprMode ? ' (GDPR)' : ''}`,
        typedSearchAttributes: [
          { key: TENANT_ID, value: tenantId },
          { key: SERVICE_TYPE, value: instance.serviceType },
          { key: SERVICE_INSTANCE_ID, value: id },
          { key: DELETION_STATUS, value: 'IN_PROGRESS' },
          { key: GDPR_MODE, value: gdprMode },
        ],
        args: [
          {
            tenantId,
            serviceInstanceId: id,
            serviceType: instance.serviceType,
            baseUrl: planned.baseUrl,
            traceId,
            requestIds: [...instance.requestIds],
            run,
            idempotencyKey: `${instance.requestIds[0]}:${run}`,
            holdRecheckSeconds: loaded.orchestration.holdRecheckSeconds,
            holdRecheckMaxSeconds: loaded.orchestration.holdRecheckMaxSeconds,
            holdContinueAsNewAfterEvents: loaded.orchestration.holdContinueAsNewAfterEvents,
            settings: loaded.serviceTypes[instance.serviceType],
          },
        ],
      });
      childStarted();
      state.finish(id, run, await child.result(), now());
    } catch (error) {
      childStarted();
      state.finish(
        id,
        run,
        isCancellation(error)
          ? { ...gone('cancelled before the service was called: nothing deleted'), status: 'CANCELLED' }
          : gone(`child workflow failed: ${failureMessage(error)}`),
        now(),
      );
    }
  });
  return started;
}

function gone(reason: string) {
  return { status: 'FAILED' as const, deletedCounts: {}, attempts: 0, failureReason: reason, durationMs: 0 };
}
