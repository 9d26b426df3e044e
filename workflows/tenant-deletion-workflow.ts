import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { serviceInstanceWorkflowId, servicePreviewTaskQueue, serviceTaskQueue } from '../common/contract';
import type { DeletedCounts, DeletionStatus, TenantDeletionResult } from '../common/deletion-outcome';
import { gdprDueAt } from '../common/gdpr-deadline';
import {
  approvalSchema,
  deletionRequestSchema,
  instanceSelectionSchema,
  type Approval,
  type DeletionRequest,
  type InstanceSelection,
} from '../common/deletion-request';
import type { GuardRailActivities } from '../activities/guard-rail-activities';
import type { InstanceActivities } from '../activities/instance-activities';
import type { InstanceReport, LoadedInventory, TenantActivities } from '../activities/tenant-activities';
import { checkRequest, dependentsOf, transitiveDependencies, type PlannedInstance } from './dependency-plan';
import {
  DELETION_DUE_AT,
  DELETION_STATUS,
  GDPR_MODE,
  SERVICE_INSTANCE_ID,
  SERVICE_TYPE,
  TENANT_ID,
} from './search-attributes';
import { ServiceInstanceDeletionWorkflow, type InstanceDeletionOutcome } from './service-instance-deletion-workflow';
import {
  approveSignal,
  cancelSignal,
  instanceHoldSignal,
  progressQuery,
  requestDeletionSignal,
  retryFailedSignal,
} from './signals';
import {
  countsTotal,
  detailsTable,
  earliestDueAt,
  rollUpStatus,
  TERMINAL,
  totals,
  type InstanceState,
  type RequestState,
} from './tenant-progress';

/** What a run hands to the next one when it continues as new. */
export interface CarriedState {
  requests: (RequestState & { instances: string[] })[];
  instances: InstanceState[];
  incoming: DeletionRequest[];
  cancels: InstanceSelection[];
  retries: InstanceSelection[];
  finalizations: number;
  /** Instances completed since the last finalization: the next run must still finalize. */
  needsFinalize: boolean;
  certificateId?: string;
  /** Requests held for approval, with the instances they will delete once approved. */
  awaiting: { request: DeletionRequest; targets: string[] }[];
  approvals: Approval[];
}

export type TenantDeletionInput = DeletionRequest & { carried?: CarriedState };

/** Previews ride their type's preview queue, not its deletion queue (see previewCounts). */
const PREVIEW_QUEUE_PATCH = 'previews-on-preview-queue';

/** Beyond this many instances, per-table counts stay in the ledger and the result carries totals only. */
const DETAILED_COUNTS_LIMIT = 500;

const activities = proxyActivities<TenantActivities & GuardRailActivities>({
  startToCloseTimeout: '1 minute',
  // The ledger, Kafka and the registry are ours to wait for: retry until they are back, never give up halfway.
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['ServiceRejected'] },
});

/**
 * Deletes a tenant's data across its service instances: checks the dependency graph, then starts one child per
 * instance on its service type's queue as soon as every instance that depends on it is gone, and finalizes the
 * tenant when nothing active is left. All requests for one tenant meet here (signal-with-start).
 */
export async function TenantDeletionWorkflow(input: TenantDeletionInput): Promise<TenantDeletionResult> {
  const { tenantId } = input;
  const { workflowId } = workflowInfo();
  const valid = deletionRequestSchema.safeParse(withoutCarried(input));
  if (!valid.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid deletion request for ${workflowId}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      'InvalidRequest',
    );
  }
  const carried = input.carried;
  const requests = new Map((carried?.requests ?? []).map((request) => [request.requestId, request]));
  const instances = new Map((carried?.instances ?? []).map((instance) => [instance.serviceInstanceId, instance]));
  const incoming: DeletionRequest[] = carried?.incoming ?? [withoutCarried(input)];
  const cancels: InstanceSelection[] = carried?.cancels ?? [];
  const retries: InstanceSelection[] = carried?.retries ?? [];
  const approvals: Approval[] = carried?.approvals ?? [];
  const awaiting = new Map((carried?.awaiting ?? []).map((held) => [held.request.requestId, held]));
  const completions: { id: string; outcome: InstanceDeletionOutcome }[] = [];
  const running = new Map<string, CancellationScope>();
  let finalizations = carried?.finalizations ?? 0;
  let needsFinalize = carried?.needsFinalize ?? false;
  let certificateId = carried?.certificateId;
  let inventory: PlannedInstance[] = [];
  let inventoryStatus = new Map<string, PlannedInstance['status']>();
  let dependents = new Map<string, string[]>();
  let loaded: LoadedInventory | undefined;
  let shownStatus: DeletionStatus | undefined;
  let shownDueAt: string | null = null;

  setHandler(requestDeletionSignal, (request) => {
    const parsed = deletionRequestSchema.safeParse(request);
    if (!parsed.success || parsed.data.tenantId !== tenantId) {
      log.warn('ignored a malformed requestDeletion signal', { tenantId });
      return;
    }
    if (requests.has(parsed.data.requestId) || incoming.some((r) => r.requestId === parsed.data.requestId)) return;
    incoming.push(parsed.data);
  });
  /** A malformed selection (an unknown field, ids that are not ids) is ignored, never widened to the whole tenant. */
  function selectionOf(signal: string, selection: unknown): InstanceSelection | undefined {
    const parsed = instanceSelectionSchema.safeParse(selection ?? {});
    if (parsed.success) return parsed.data;
    // Runs recorded before this check took such a selection as it came; they replay that way.
    if (!patched('strict-instance-selections')) return (selection ?? {}) as InstanceSelection;
    log.warn(`ignored a malformed ${signal} signal`, { tenantId, issues: parsed.error.issues.map((i) => i.message) });
    return undefined;
  }
  setHandler(cancelSignal, (selection) => {
    const valid = selectionOf('cancel', selection);
    if (valid) cancels.push(valid);
  });
  setHandler(retryFailedSignal, (selection) => {
    const valid = selectionOf('retryFailed', selection);
    if (valid) retries.push(valid);
  });
  setHandler(approveSignal, (approval) => {
    const parsed = approvalSchema.safeParse(approval);
    if (parsed.success) approvals.push(parsed.data);
    else log.warn('ignored a malformed approve signal', { tenantId });
  });
  setHandler(instanceHoldSignal, ({ serviceInstanceId, onHold, reason }) => {
    const instance = instances.get(serviceInstanceId);
    if (!instance || TERMINAL.has(instance.status)) return;
    instance.status = onHold ? 'ON_HOLD' : 'IN_PROGRESS';
    instance.lastError = reason;
    // The main loop does not wake for a hold, so DeletionStatus would not show one; runs recorded before stay as they ran.
    if (patched('parent-shows-hold')) showStatus();
  });
  setHandler(progressQuery, () => {
    const list = [...instances.values()];
    return {
      tenantId,
      status: currentStatus(),
      instances: list,
      requests: [...requests.values()],
      totals: totals(list),
    };
  });
  upsertSearchAttributes([{ key: TENANT_ID, value: tenantId }]);

  const currentStatus = () => rollUpStatus([...instances.values()], [...requests.values()]);
  const isDeleted = (id: string) => instances.get(id)?.status === 'COMPLETED' || inventoryStatus.get(id) === 'DELETED';
  const readyInstances = () =>
    [...instances.values()].filter(
      (instance) =>
        instance.status === 'PENDING' &&
        !running.has(instance.serviceInstanceId) &&
        (dependents.get(instance.serviceInstanceId) ?? []).every(isDeleted),
    );
  const draining = () => workflowInfo().historyLength > (loaded?.orchestration.continueAsNewAfterEvents ?? Infinity);
  const canStart = () =>
    !draining() && running.size < (loaded?.orchestration.maxChildrenInFlight ?? 0) && readyInstances().length > 0;

  async function reload(): Promise<void> {
    loaded = await activities.loadInventory(tenantId);
    inventory = loaded.instances;
    inventoryStatus = new Map(inventory.map((instance) => [instance.serviceInstanceId, instance.status]));
    dependents = dependentsOf(inventory);
  }

  function report(instanceReports: InstanceReport[], requestIds: string[]): Promise<void> {
    const records = requestIds
      .map((id) => requests.get(id))
      .filter((request) => request !== undefined)
      .map(({ requestId, traceId, dryRun, gdprMode }) => ({ requestId, traceId, dryRun, gdprMode }));
    return activities.reportOutcomes({ tenantId, requests: records, instances: instanceReports });
  }

  async function reject(request: DeletionRequest, reason: string): Promise<void> {
    const named = request.instances ?? inventory.map((instance) => instance.serviceInstanceId);
    const targets = named.length > 0 ? named : ['*'];
    requests.set(request.requestId, { ...requestState(request, 'REJECTED', reason), instances: targets });
    const typeOf = (id: string) => inventory.find((instance) => instance.serviceInstanceId === id)?.serviceType ?? '*';
    await activities.recordRequests(targets.map((id) => ledgerEntry(request, id, typeOf(id))));
    await report(
      targets.map((id) => ({
        serviceInstanceId: id,
        serviceType: typeOf(id),
        status: 'REJECTED',
        deletedCounts: {},
        attempts: 0,
        failureReason: reason,
        durationMs: 0,
        run: 1,
      })),
      [request.requestId],
    );
  }

  async function accept(request: DeletionRequest): Promise<void> {
    await reload();
    const active = new Set(
      [...instances.values()].filter((i) => i.status !== 'CANCELLED').map((i) => i.serviceInstanceId),
    );
    const check = checkRequest(tenantId, inventory, request.dryRun ? new Set() : active, request.instances);
    if (!check.accepted) return reject(request, check.reason);

    const byId = new Map(inventory.map((instance) => [instance.serviceInstanceId, instance]));
    const alreadyGone = (request.instances ?? []).filter(
      (id) => byId.get(id)?.status === 'DELETED' || instances.get(id)?.status === 'COMPLETED',
    );
    const targets = check.targets.filter((id) => instances.get(id)?.status !== 'COMPLETED');
    requests.set(request.requestId, {
      ...requestState(request, 'IN_PROGRESS', null),
      instances: [...targets, ...alreadyGone],
    });
    const recording = activities
      .recordRequests([...targets, ...alreadyGone].map((id) => ledgerEntry(request, id, byId.get(id)!.serviceType)))
      .then(() =>
        alreadyGone.length === 0
          ? undefined
          : report(
              alreadyGone.map((id) => ({
                serviceInstanceId: id,
                serviceType: byId.get(id)!.serviceType,
                status: 'COMPLETED',
                deletedCounts: {},
                attempts: 0,
                failureReason: null,
                durationMs: 0,
                run: 1,
              })),
              [request.requestId],
            ),
      );
    const planned = targets.map((id) => byId.get(id)!);
    if (request.dryRun) {
      // The preview's report updates the rows just recorded, so it follows them.
      await recording;
      return preview(request, planned);
    }
    // The ledger write and the admission checks do not depend on each other: one round trip less per request.
    const [held] = await Promise.all([admissionHold(request, planned), recording]);
    if (held) {
      Object.assign(requests.get(request.requestId)!, { status: 'AWAITING_APPROVAL', reason: held });
      awaiting.set(request.requestId, { request, targets });
      return;
    }
    await admit(request, targets);
  }

  /**
   * Why a request must wait for an admin's `approve`, if it must: its previewed total is above the approval
   * threshold, or it is a whole-tenant deletion beyond the blast-radius cap.
   */
  async function admissionHold(request: DeletionRequest, targets: PlannedInstance[]): Promise<string | null> {
    const threshold = loaded!.guardRails.approvalThresholdRecords;
    if (threshold !== null) {
      const counts = await previewCounts(request, targets);
      const failed = counts.flatMap((count, i) => (count.failureReason ? [targets[i].serviceInstanceId] : []));
      // An unknown count is not a zero: the guard fails closed. Runs recorded before took it as zero.
      if (failed.length > 0 && patched('failed-preview-holds')) {
        return `preview failed for ${failed.join(', ')}, so the total is unknown against APPROVAL_THRESHOLD_RECORDS (${threshold}): approve or cancel`;
      }
      const total = counts.map((count) => countsTotal(count.deletedCounts)).reduce((sum, n) => sum + n, 0);
      if (total > threshold) {
        return `previewed ${total} records exceed APPROVAL_THRESHOLD_RECORDS (${threshold}): approve or cancel`;
      }
    }
    if (!request.instances) {
      const claim = await activities.claimWholeTenantStart({ requestId: request.requestId, tenantId });
      if (!claim.allowed) {
        return `blast-radius cap: ${claim.startedInWindow} whole-tenant deletions started in the last ${claim.windowHours} h (at most ${claim.max}): approve or cancel`;
      }
    }
    return null;
  }

  /** Suspends the tenant for a whole-tenant request, waits out its grace period, then schedules its instances. */
  async function admit(request: DeletionRequest, targets: string[]): Promise<void> {
    if (!request.instances) {
      await activities.suspendTenant(tenantId, request.traceId);
      const grace = loaded!.guardRails.gracePeriodSeconds;
      if (!request.gdprMode && grace > 0) {
        const state = requests.get(request.requestId)!;
        state.reason = `grace period: deletion starts ${grace} s after the suspend; cancel restores the tenant`;
        showStatus();
        if (await condition(() => cancels.some((selection) => !selection.instances), `${grace}s`)) {
          await activities.resumeTenant(tenantId, request.traceId);
          return cancelBeforeStart(request, targets, 'cancelled in the grace period: tenant restored, nothing deleted');
        }
        state.reason = null;
      }
    }
    const byId = new Map(inventory.map((instance) => [instance.serviceInstanceId, instance]));
    for (const id of targets) {
      const existing = instances.get(id);
      if (existing && !TERMINAL.has(existing.status)) {
        existing.requestIds.push(request.requestId);
        continue;
      }
      const planned = byId.get(id)!;
      instances.set(id, {
        serviceInstanceId: id,
        serviceType: planned.serviceType,
        baseUrl: planned.baseUrl,
        status: 'PENDING',
        deletedCounts: {},
        attempts: 0,
        lastError: null,
        requestIds: [request.requestId],
        run: (existing?.run ?? 0) + 1,
        startedAt: null,
        finishedAt: null,
      });
    }
  }

  /**
   * Every target's preview, on its service type's preview queue; a failed preview carries its reason. Admission
   * waits for every preview of a request (the approval threshold needs the total), so on the type's deletion queue
   * a saturated slow type held each tenant with an instance of it, fast instances included, until a slot came free
   * from its running deletions. Previews recorded before the patch replay on the deletion queue, as they ran.
   */
  function previewCounts(request: DeletionRequest, targets: PlannedInstance[]) {
    const ownQueue = patched(PREVIEW_QUEUE_PATCH);
    return Promise.all(
      targets.map((target) =>
        proxyActivities<InstanceActivities>({
          taskQueue: (ownQueue ? servicePreviewTaskQueue : serviceTaskQueue)(target.serviceType),
          startToCloseTimeout: `${loaded!.serviceTypes[target.serviceType].requestTimeoutSeconds * 2}s`,
          retry: { maximumAttempts: loaded!.serviceTypes[target.serviceType].retry.maxAttempts },
        })
          .previewInstance({ tenantId, traceId: request.traceId, ...target })
          .then(
            (deletedCounts) => ({ deletedCounts, failureReason: null }),
            (error: Error) => ({
              deletedCounts: {},
              failureReason: String((error.cause as Error | undefined)?.message ?? error.message),
            }),
          ),
      ),
    );
  }

  /** A dry run previews every target and deletes nothing. */
  async function preview(request: DeletionRequest, targets: PlannedInstance[]): Promise<void> {
    const started = Date.now();
    const counts = await previewCounts(request, targets);
    const state = requests.get(request.requestId)!;
    state.preview = Object.fromEntries(
      targets.map((target, index) => [target.serviceInstanceId, counts[index].deletedCounts]),
    );
    state.status = counts.every((count) => count.failureReason === null) ? 'COMPLETED' : 'FAILED';
    await report(
      targets.map((target, index) => ({
        serviceInstanceId: target.serviceInstanceId,
        serviceType: target.serviceType,
        status: counts[index].failureReason === null ? 'COMPLETED' : 'FAILED',
        deletedCounts: counts[index].deletedCounts,
        attempts: 1,
        failureReason: counts[index].failureReason,
        durationMs: Date.now() - started,
        run: 1,
      })),
      [request.requestId],
    );
  }

  function start(instance: InstanceState): void {
    const settings = loaded!.serviceTypes[instance.serviceType];
    const gdprMode = instance.requestIds.some((id) => requests.get(id)?.gdprMode);
    const traceId = requests.get(instance.requestIds[0])?.traceId ?? input.traceId;
    const scope = new CancellationScope();
    instance.status = 'IN_PROGRESS';
    instance.startedAt = Date.now();
    running.set(instance.serviceInstanceId, scope);
    scope
      .run(() =>
        executeChild(ServiceInstanceDeletionWorkflow, {
          workflowId: serviceInstanceWorkflowId(tenantId, instance.serviceInstanceId),
          taskQueue: serviceTaskQueue(instance.serviceType),
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          staticSummary: `delete ${instance.serviceType} ${instance.serviceInstanceId} of tenant ${tenantId}${gdprMode ? ' (GDPR)' : ''}`,
          typedSearchAttributes: [
            { key: TENANT_ID, value: tenantId },
            { key: SERVICE_TYPE, value: instance.serviceType },
            { key: SERVICE_INSTANCE_ID, value: instance.serviceInstanceId },
            { key: DELETION_STATUS, value: 'IN_PROGRESS' },
            { key: GDPR_MODE, value: gdprMode },
          ],
          args: [
            {
              tenantId,
              serviceInstanceId: instance.serviceInstanceId,
              serviceType: instance.serviceType,
              baseUrl: instance.baseUrl,
              traceId,
              requestIds: [...instance.requestIds],
              idempotencyKey: `${instance.requestIds[0]}:${instance.run}`,
              holdRecheckSeconds: loaded!.orchestration.holdRecheckSeconds,
              holdRecheckMaxSeconds: loaded!.orchestration.holdRecheckMaxSeconds,
              holdContinueAsNewAfterEvents: loaded!.orchestration.holdContinueAsNewAfterEvents,
              settings,
            },
          ],
        }),
      )
      .then(
        (outcome) => completions.push({ id: instance.serviceInstanceId, outcome }),
        (error) =>
          completions.push({
            id: instance.serviceInstanceId,
            outcome: {
              status: isCancellation(error) ? 'CANCELLED' : 'FAILED',
              deletedCounts: {},
              attempts: 0,
              failureReason: isCancellation(error)
                ? 'cancelled before the service was called: nothing deleted'
                : `child workflow failed: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`,
              durationMs: 0,
            },
          }),
      );
  }

  /** Instances that cannot go because an instance depending on them stays. */
  function cascadeKept(ids: string[], because: string): void {
    for (const id of ids) {
      for (const needed of transitiveDependencies(id, inventory)) {
        const instance = instances.get(needed);
        if (instance?.status === 'PENDING') {
          instance.status = 'CANCELLED';
          instance.lastError = `kept: ${id} depends on it and ${because}`;
          instance.finishedAt = Date.now();
        }
      }
    }
  }

  /**
   * Applies the finished children's outcomes to the state at once, and reports them (ledger, result events) in the
   * background: the caller starts the children they made ready before it waits for the reports, so that a report's
   * round trip never sits between one instance's end and the next one's start.
   */
  function settleCompletions(): Promise<void> {
    const done = completions.splice(0);
    for (const { id, outcome } of done) {
      running.delete(id);
      const instance = instances.get(id)!;
      instance.status = outcome.status;
      instance.deletedCounts = outcome.deletedCounts;
      instance.attempts += outcome.attempts;
      instance.lastError = outcome.failureReason;
      instance.finishedAt = Date.now();
      if (outcome.status === 'CANCELLED') cascadeKept([id], 'was cancelled');
      if (outcome.status === 'COMPLETED') needsFinalize = true;
    }
    const byRequests = new Map<string, InstanceReport[]>();
    for (const { id, outcome } of done) {
      const instance = instances.get(id)!;
      const key = instance.requestIds.join('\n');
      byRequests.set(key, [
        ...(byRequests.get(key) ?? []),
        {
          ...outcome,
          serviceInstanceId: id,
          serviceType: instance.serviceType,
          attempts: instance.attempts,
          run: instance.run,
        },
      ]);
    }
    return Promise.all([...byRequests].map(([key, reports]) => report(reports, key.split('\n')))).then(() => undefined);
  }

  /** Ends a request that never started deleting: its ledger rows and results say CANCELLED, nothing deleted. */
  async function cancelBeforeStart(request: DeletionRequest, targets: string[], reason: string): Promise<void> {
    Object.assign(requests.get(request.requestId)!, { status: 'CANCELLED', reason });
    const typeOf = (id: string) => inventory.find((instance) => instance.serviceInstanceId === id)?.serviceType ?? '*';
    await report(
      targets.map((id) => ({
        serviceInstanceId: id,
        serviceType: typeOf(id),
        status: 'CANCELLED',
        deletedCounts: {},
        attempts: 0,
        failureReason: reason,
        durationMs: 0,
        run: 1,
      })),
      [request.requestId],
    );
  }

  async function applyApprovals(): Promise<void> {
    for (const approval of approvals.splice(0)) {
      for (const [requestId, held] of [...awaiting]) {
        if (approval.requestIds && !approval.requestIds.includes(requestId)) continue;
        awaiting.delete(requestId);
        Object.assign(requests.get(requestId)!, {
          status: 'IN_PROGRESS',
          reason: null,
          approvedBy: approval.approvedBy,
        });
        if (!held.request.instances) {
          await activities.claimWholeTenantStart({ requestId, tenantId, approvedBy: approval.approvedBy });
        }
        await reload();
        await admit(held.request, held.targets);
      }
    }
  }

  /** A cancel also ends requests held for approval: the whole tenant's, or those naming a cancelled instance. */
  async function cancelAwaiting(): Promise<void> {
    for (const selection of cancels) {
      for (const [requestId, held] of [...awaiting]) {
        if (selection.instances && !held.targets.some((id) => selection.instances!.includes(id))) continue;
        awaiting.delete(requestId);
        await cancelBeforeStart(held.request, held.targets, 'cancelled while awaiting approval: nothing deleted');
      }
    }
  }

  function applyCancels(): void {
    for (const selection of cancels.splice(0)) {
      const chosen = selection.instances ?? [...instances.keys()];
      for (const id of chosen) {
        const instance = instances.get(id);
        if (!instance) continue;
        if (running.has(id)) running.get(id)!.cancel();
        else if (instance.status === 'PENDING' || instance.status === 'FAILED') {
          instance.status = 'CANCELLED';
          instance.lastError = `${instance.lastError ? `${instance.lastError}; ` : ''}cancelled by an admin: nothing more deleted`;
          instance.finishedAt = Date.now();
          completions.push({
            id,
            outcome: {
              status: 'CANCELLED',
              deletedCounts: instance.deletedCounts,
              attempts: 0,
              failureReason: instance.lastError,
              durationMs: 0,
            },
          });
        }
      }
    }
  }

  function applyRetries(): void {
    for (const selection of retries.splice(0)) {
      const chosen = selection.instances ?? [...instances.keys()];
      for (const id of chosen) {
        const instance = instances.get(id);
        if (instance?.status !== 'FAILED') continue;
        instance.status = 'PENDING';
        instance.run += 1;
        instance.startedAt = null;
        instance.finishedAt = null;
      }
    }
  }

  function settleRequests(): void {
    for (const request of requests.values()) {
      if (request.dryRun || request.status === 'AWAITING_APPROVAL' || TERMINAL.has(request.status)) continue;
      const mine = request.instances.map((id) => instances.get(id)).filter((instance) => instance !== undefined);
      if (!mine.every((instance) => TERMINAL.has(instance.status) && instance.status !== 'FAILED')) continue;
      request.status = mine.every((instance) => instance.status === 'COMPLETED') ? 'COMPLETED' : 'CANCELLED';
    }
  }

  async function finalize(): Promise<void> {
    needsFinalize = false;
    const completed = [...requests.values()].filter((request) => !request.dryRun && request.status === 'COMPLETED');
    if (completed.length === 0) return;
    finalizations += 1;
    const finalized = await activities.finalizeTenant({
      tenantId,
      traceId: completed[completed.length - 1].traceId,
      gdprMode: completed.some((request) => request.gdprMode),
      deleteTenantRecord: completed.some((request) => request.wholeTenant),
      runKey: `${workflowInfo().firstExecutionRunId}:${finalizations}`,
      requests: completed.map(({ requestId, requestedBy, gdprMode, statedReason, wholeTenant }) => ({
        requestId,
        requestedBy,
        gdprMode,
        reason: statedReason,
        wholeTenant,
      })),
      instances: [...instances.values()]
        .filter((instance) => instance.status === 'COMPLETED')
        .map(({ serviceInstanceId, serviceType, deletedCounts, attempts }) => ({
          serviceInstanceId,
          serviceType,
          deletedCounts,
          attempts,
          verified: true,
        })),
      startedAt: workflowInfo().startTime.toISOString(),
    });
    certificateId = finalized.certificateId ?? certificateId;
  }

  function showStatus(): void {
    const status = currentStatus();
    const list = [...instances.values()];
    if (status !== shownStatus) {
      upsertSearchAttributes([
        { key: DELETION_STATUS, value: status },
        { key: GDPR_MODE, value: [...requests.values()].some((request) => request.gdprMode) },
      ]);
      shownStatus = status;
    }
    const dueAt = earliestDueAt([...requests.values()]);
    if (dueAt !== null && dueAt !== shownDueAt) {
      upsertSearchAttributes([{ key: DELETION_DUE_AT, value: new Date(dueAt) }]);
      shownDueAt = dueAt;
    }
    setCurrentDetails(detailsTable(status, list));
  }

  function carriedState(): CarriedState {
    return {
      requests: [...requests.values()],
      instances: summarized([...instances.values()]),
      incoming: incoming.splice(0),
      cancels: cancels.splice(0),
      retries: retries.splice(0),
      finalizations,
      needsFinalize,
      certificateId,
      awaiting: [...awaiting.values()],
      approvals: approvals.splice(0),
    };
  }

  if (carried) await reload();
  for (;;) {
    await condition(
      () =>
        incoming.length + cancels.length + retries.length + completions.length + approvals.length > 0 ||
        canStart() ||
        idle(),
    );
    await cancelAwaiting();
    applyCancels();
    applyRetries();
    const reporting = settleCompletions();
    while (incoming.length > 0) await accept(incoming.shift()!);
    await applyApprovals();
    for (const instance of readyInstances()) {
      if (draining() || running.size >= loaded!.orchestration.maxChildrenInFlight) break;
      start(instance);
    }
    settleRequests();
    showStatus();
    await reporting;

    if (draining() && running.size === 0 && completions.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof TenantDeletionWorkflow>({ ...withoutCarried(input), carried: carriedState() });
    }
    if (!idle()) continue;
    if (needsFinalize) await finalize();
    await condition(allHandlersFinished);
    if (incoming.length + cancels.length + retries.length + completions.length + approvals.length > 0) continue;
    if (awaiting.size > 0 || [...instances.values()].some((instance) => instance.status === 'FAILED')) {
      // Half-done is not done, and a held request is not refused: wait, visibly, for an admin's signal.
      await condition(() => cancels.length + retries.length + incoming.length + approvals.length > 0);
      continue;
    }
    return result();
  }

  function idle(): boolean {
    return (
      running.size === 0 &&
      completions.length === 0 &&
      incoming.length === 0 &&
      cancels.length === 0 &&
      retries.length === 0 &&
      approvals.length === 0 &&
      readyInstances().length === 0
    );
  }

  function result(): TenantDeletionResult {
    const list = summarized([...instances.values()]);
    return {
      tenantId,
      status: currentStatus(),
      instances: list.map((instance) => ({
        serviceInstanceId: instance.serviceInstanceId,
        serviceType: instance.serviceType,
        status: instance.status,
        deletedCounts: instance.deletedCounts,
        attempts: instance.attempts,
        failureReason: instance.lastError,
      })),
      requests: [...requests.values()].map((request) => ({
        requestId: request.requestId,
        status: request.status,
        dryRun: request.dryRun,
        reason: request.reason,
      })),
      ...(certificateId ? { certificateId } : {}),
    };
  }

  function ledgerEntry(request: DeletionRequest, serviceInstanceId: string, serviceType: string) {
    return {
      requestId: request.requestId,
      tenantId,
      serviceInstanceId,
      serviceType,
      traceId: request.traceId,
      workflowId,
      dryRun: request.dryRun,
      gdprMode: request.gdprMode,
      dueAt: requests.get(request.requestId)?.dueAt ?? null,
    };
  }
}

function withoutCarried(input: TenantDeletionInput): DeletionRequest {
  const { carried, ...request } = input;
  return request;
}

function requestState(request: DeletionRequest, status: RequestState['status'], reason: string | null): RequestState {
  return {
    requestId: request.requestId,
    traceId: request.traceId,
    requestedBy: request.requestedBy,
    gdprMode: request.gdprMode,
    dryRun: request.dryRun,
    wholeTenant: request.instances === undefined,
    status,
    reason,
    statedReason: request.reason ?? null,
    approvedBy: null,
    dueAt:
      request.gdprMode && !request.dryRun
        ? gdprDueAt(request.requestedAt ? new Date(request.requestedAt) : new Date()).toISOString()
        : null,
  };
}

/** Large tenants keep per-table counts in the ledger only, so state and result stay within payload limits. */
function summarized(list: InstanceState[]): InstanceState[] {
  if (list.length <= DETAILED_COUNTS_LIMIT) return list;
  return list.map((instance) => ({
    ...instance,
    deletedCounts: totalOnly(instance.deletedCounts),
  }));
}

function totalOnly(counts: DeletedCounts): DeletedCounts {
  const keys = Object.keys(counts);
  return keys.length === 1 && keys[0] === 'total' ? counts : { total: countsTotal(counts) };
}
