import {
  ActivityFailure,
  ApplicationFailure,
  log,
  patched,
  proxyActivities,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import {
  FAILURE_TYPES,
  servicePreviewTaskQueue,
  type DeletedCounts,
  type DeletionRequest,
  type ServiceInstance,
} from '@tenant-deletion/contract';
import type { InstanceActivities } from '../activities/instance-activities';
import type { LoadedInventory } from '../activities/tenant-activities';
import { checkRequest } from './dependency-plan';
import { failureMessage, inWindow, orchestration } from './orchestration-activities';
import type { TenantState } from './tenant-state';
import { countsTotal } from './tenant-progress';
import { needsCreationCheck, olderThanTenant, type TenantCreation } from './tenant-recreation';

/**
 * Admission: a request is checked against the inventory and the ledger, previewed when the guard rails want its
 * size, held for an admin's approval when it is too large or too wide, and otherwise admitted: a whole-tenant
 * request suspends the tenant and waits out its grace period first.
 */

/** At most this many previews run at once: 5,000 instances never make 5,000 pending activities. */
const PREVIEW_WINDOW = 100;
/** A preview nobody picks up within this tells the admin that no worker serves its type. */
const PREVIEW_SCHEDULE_TO_START = '1 minute';

interface PreviewCount {
  id: string;
  deletedCounts: DeletedCounts;
  failureReason: string | null;
}

/** Runs recorded before the registry creation check must replay without its activity. */
export const CREATION_CHECK_PATCH = 'refuse-requests-older-than-tenant';

/**
 * Checks every request received since the last loop against one fresh load of the inventory, the ledger and, for
 * requests that say when they were made, the tenant's (re)creation in the registry.
 */
export async function checkIncoming(state: TenantState, loaded: LoadedInventory): Promise<void> {
  const incoming = state.incoming.splice(0);
  const [recorded, creation] = await Promise.all([
    orchestration.recordedRequestIds(
      state.tenantId,
      incoming.map((r) => r.requestId),
    ),
    tenantCreation(state, incoming),
  ]);
  const seen = new Set(recorded);
  for (const request of incoming) {
    if (seen.has(request.requestId)) {
      // The ledger knows it: a replay (a consumer group reset, a resent message) is never executed twice.
      log.warn('ignored a request the ledger already holds', {
        tenantId: state.tenantId,
        requestId: request.requestId,
        traceId: request.traceId,
      });
      continue;
    }
    await check(state, loaded, request, creation);
  }
}

/** When the registry (re)created the tenant, asked only when a request says when it was made. */
async function tenantCreation(state: TenantState, incoming: DeletionRequest[]): Promise<TenantCreation> {
  if (!needsCreationCheck(incoming) || !patched(CREATION_CHECK_PATCH)) return { createdAt: null };
  try {
    return { createdAt: await orchestration.tenantCreatedAt(state.tenantId, incoming[0].traceId) };
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return { refusal: failureMessage(error) };
  }
}

async function check(
  state: TenantState,
  loaded: LoadedInventory,
  request: DeletionRequest,
  creation: TenantCreation,
): Promise<void> {
  const inventory = loaded.instances;
  const active = new Set(
    [...state.instances.values()].filter((i) => i.status !== 'CANCELLED').map((i) => i.serviceInstanceId),
  );
  const verdict =
    olderThanTenant(state.tenantId, request, creation) ??
    checkRequest(state.tenantId, inventory, request.dryRun ? new Set() : active, request.instances);
  if (!verdict.accepted) {
    const targets = request.instances ?? inventory.map((instance) => instance.serviceInstanceId);
    state.reject(request, targets, verdict.reason);
    await orchestration.recordRequests(ledgerEntries(state, request, targets.length > 0 ? targets : ['*']));
    return;
  }
  const gone = (id: string) =>
    state.inventoryInstance(id)?.status === 'DELETED' || state.instances.get(id)?.status === 'COMPLETED';
  const alreadyGone = (request.instances ?? []).filter(gone);
  const targets = verdict.targets.filter((id) => state.instances.get(id)?.status !== 'COMPLETED');
  state.accept(request, targets, alreadyGone);
  const recording = orchestration.recordRequests(ledgerEntries(state, request, [...targets, ...alreadyGone]));
  const planned = targets.map((id) => state.inventoryInstance(id)!);
  if (request.dryRun) {
    await recording;
    state.previewed(request.requestId, await previewAll(state, loaded, request.traceId, planned));
    return;
  }
  // The ledger write and the guard rails do not depend on each other: one round trip less per request.
  const [held] = await Promise.all([approvalNeeded(state, loaded, request, planned), recording]);
  if (held) state.holdForApproval(request.requestId, held);
  else state.toAdmit.push(request.requestId);
}

/**
 * Why a request must wait for an admin's approval, if it must: its previewed total is above the approval threshold
 * or unknown (a failed preview fails closed), or it is a whole-tenant deletion beyond the blast-radius cap.
 */
async function approvalNeeded(
  state: TenantState,
  loaded: LoadedInventory,
  request: DeletionRequest,
  targets: ServiceInstance[],
): Promise<string | null> {
  const threshold = loaded.guardRails.approvalThresholdRecords;
  if (threshold !== null) {
    const counts = await previewAll(state, loaded, request.traceId, targets);
    const failed = counts.filter((count) => count.failureReason !== null);
    if (failed.length > 0) {
      return `preview failed for ${failed.map((count) => `${count.id} (${count.failureReason})`).join(', ')}, so the total is unknown against APPROVAL_THRESHOLD_RECORDS (${threshold}): approve or cancel`;
    }
    const total = counts.reduce((sum, count) => sum + countsTotal(count.deletedCounts), 0);
    if (total > threshold) {
      return `previewed ${total} records exceed APPROVAL_THRESHOLD_RECORDS (${threshold}): approve or cancel`;
    }
  }
  if (!request.instances) {
    const claim = await orchestration.claimWholeTenantStart({ requestId: request.requestId, tenantId: state.tenantId });
    if (!claim.allowed) {
      return `blast-radius cap: ${claim.startedInWindow} whole-tenant deletions started in the last ${claim.windowHours} h (at most ${claim.max}): approve or cancel`;
    }
  }
  return null;
}

/**
 * Admits the requests let through or approved: a whole-tenant one suspends the tenant (a registry refusal fails
 * that request, retryable) and starts its grace period; the others' instances become PENDING at once.
 */
export async function admitQueued(state: TenantState, loaded: LoadedInventory, now: () => number): Promise<void> {
  // Each request stays queued until its admission is done, so that a cancel meeting it halfway sees it.
  for (const requestId of [...state.toAdmit]) {
    await admitOne(state, loaded, requestId, now);
    state.toAdmit = state.toAdmit.filter((id) => id !== requestId);
  }
}

async function admitOne(state: TenantState, loaded: LoadedInventory, requestId: string, now: () => number) {
  const request = state.requests.get(requestId);
  if (!request || request.status !== 'IN_PROGRESS') return;
  if (!request.wholeTenant) {
    state.admit(requestId);
    return;
  }
  try {
    if (request.approvedBy) {
      await orchestration.claimWholeTenantStart({
        requestId,
        tenantId: state.tenantId,
        approvedBy: request.approvedBy,
      });
    }
    await orchestration.suspendTenant(state.tenantId, request.traceId);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    state.failStep(requestId, 'admission', `the tenant registry refused the suspend: ${failureMessage(error)}`);
    return;
  }
  // Cancelled while the suspend ran: the cancel has queued the resume.
  if (request.status !== 'IN_PROGRESS') return;
  const grace = loaded.guardRails.gracePeriodSeconds;
  if (!request.gdprMode && grace > 0) state.startGrace(requestId, now() + grace * 1_000, grace);
  else state.admit(requestId);
}

/** Every target's preview on its type's preview queue, a bounded window at a time; a failed one carries its reason. */
function previewAll(
  state: TenantState,
  loaded: LoadedInventory,
  traceId: string,
  targets: ServiceInstance[],
): Promise<PreviewCount[]> {
  return inWindow(targets, PREVIEW_WINDOW, (target) => {
    const settings = loaded.serviceTypes[target.serviceType];
    const queue = servicePreviewTaskQueue(target.serviceType);
    return proxyActivities<InstanceActivities>({
      taskQueue: queue,
      scheduleToStartTimeout: PREVIEW_SCHEDULE_TO_START,
      startToCloseTimeout: `${settings.requestTimeoutSeconds * 2}s`,
      retry: { maximumAttempts: settings.retry.maxAttempts },
    })
      .previewInstance({ tenantId: state.tenantId, traceId, ...target })
      .then(
        (deletedCounts) => ({ id: target.serviceInstanceId, deletedCounts, failureReason: null }),
        (error: unknown) => ({
          id: target.serviceInstanceId,
          deletedCounts: {},
          failureReason: unpolled(error)
            ? `no worker polls ${queue}: add ${target.serviceType} to a worker group`
            : failureMessage(error),
        }),
      );
  });
}

function unpolled(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause instanceof TimeoutFailure && cause.timeoutType === 'SCHEDULE_TO_START';
}

export function isRefusal(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === FAILURE_TYPES.rejected;
}

function ledgerEntries(state: TenantState, request: DeletionRequest, ids: string[]) {
  const dueAt = state.requests.get(request.requestId)?.dueAt ?? null;
  return ids.map((serviceInstanceId) => ({
    requestId: request.requestId,
    tenantId: state.tenantId,
    serviceInstanceId,
    serviceType: state.typeOf(serviceInstanceId),
    traceId: request.traceId,
    workflowId: workflowInfo().workflowId,
    dryRun: request.dryRun,
    gdprMode: request.gdprMode,
    dueAt,
  }));
}
