import {
  type Approval,
  type ControlResult,
  type DeletedCounts,
  type DeletionRequest,
  type DeletionStatus,
  type InstanceDeletionOutcome,
  type InstanceReport,
  type InstanceSelection,
  type InstanceState,
  type RequestState,
  type ServiceInstance,
  type TenantDeletionResult,
  type TenantProgress,
  type TenantSummary,
  SUMMARY_ATTENTION_LIMIT,
} from '@tenant-deletion/contract';
import { gdprDueAt } from '../common/gdpr-deadline';
import {
  decodeCarried,
  encodeCarried,
  isTotalOnly,
  truncated,
  type CarriedState,
  type CompactState,
} from './carried-state';
import { dependentsOf } from './dependency-plan';
import type { Outbox } from './outbox';
import { countsTotal, rollUpStatus, TERMINAL, totals } from './tenant-progress';

/**
 * One tenant's deletion as plain data: its requests, its instances, and what the workflow still has to do about
 * them (the outbox). Every change an input can cause happens here, synchronously, so that signal and update
 * handlers, the main loop and unit tests all drive the same code; the workflow only turns the outbox into
 * activities and children. Nothing here touches Temporal.
 */

/** Beyond this many instances, per-table counts stay in the ledger; state and result carry totals only. */
const DETAILED_COUNTS_LIMIT = 500;
/** Finished requests stay in state this many at most; the ledger keeps every one. */
const FINISHED_REQUESTS_KEPT = 100;

/** Why an update was refused: the validator's message, shown to whoever sent it. */
export class ControlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlRefused';
  }
}

export type { CarriedState } from './carried-state';

export class TenantState {
  readonly requests = new Map<string, RequestState>();
  readonly instances = new Map<string, InstanceState>();
  /** Requests received and not yet checked against the inventory and the ledger. */
  incoming: DeletionRequest[] = [];
  toAdmit: string[] = [];
  unfinalized = new Set<string>();
  finalizations = 0;
  certificateId: string | undefined;
  outbox: Outbox = { reports: [], cancelChildren: [], resumeTenant: [] };
  /** The inventory as last loaded: the dependency graph and each instance's URL. Not carried; reloaded. */
  private inventory = new Map<string, ServiceInstance>();
  private dependents = new Map<string, string[]>();

  constructor(
    readonly tenantId: string,
    carried?: CarriedState,
  ) {
    if (!carried) return;
    const state = decodeCarried(carried);
    for (const request of state.requests) this.requests.set(request.requestId, request);
    for (const instance of state.instances) this.instances.set(instance.serviceInstanceId, instance);
    this.incoming = state.incoming;
    this.toAdmit = state.toAdmit;
    this.unfinalized = new Set(state.unfinalized);
    this.finalizations = state.finalizations;
    this.certificateId = state.certificateId;
    this.outbox = state.outbox;
  }

  // ---- inputs

  /** A new request, unless this request id is already known to this run. */
  receive(request: DeletionRequest): boolean {
    if (this.requests.has(request.requestId) || this.incoming.some((r) => r.requestId === request.requestId)) {
      return false;
    }
    this.incoming.push(request);
    return true;
  }

  useInventory(inventory: readonly ServiceInstance[]): void {
    this.inventory = new Map(inventory.map((instance) => [instance.serviceInstanceId, instance]));
    this.dependents = dependentsOf(inventory);
  }

  inventoryInstance(id: string): ServiceInstance | undefined {
    return this.inventory.get(id);
  }

  typeOf(id: string): string {
    return this.instances.get(id)?.serviceType ?? this.inventory.get(id)?.serviceType ?? '*';
  }

  // ---- admission

  /** Records a request the checks refused; every target is reported REJECTED. */
  reject(request: DeletionRequest, targets: string[], reason: string): void {
    const named = targets.length > 0 ? targets : ['*'];
    this.requests.set(request.requestId, newRequestState(request, 'REJECTED', reason, named));
    this.report(
      [request.requestId],
      named.map((id) => this.outcomeReport(id, 'REJECTED', {}, 0, reason, 1)),
    );
  }

  /**
   * Records a request the checks let through. Targets already deleted are reported COMPLETED at once (nothing to
   * do); the request then waits for admission, or is complete already when nothing is left.
   */
  accept(request: DeletionRequest, targets: string[], alreadyGone: string[]): void {
    const state = newRequestState(request, 'IN_PROGRESS', null, [...targets, ...alreadyGone]);
    this.requests.set(request.requestId, state);
    if (alreadyGone.length > 0 && !request.dryRun) {
      this.report(
        [request.requestId],
        alreadyGone.map((id) => this.outcomeReport(id, 'COMPLETED', {}, 0, null, 1)),
      );
    }
  }

  /** A dry run's previews: its result, and one report per instance. */
  previewed(requestId: string, counts: { id: string; deletedCounts: DeletedCounts; failureReason: string | null }[]) {
    const request = this.requests.get(requestId)!;
    request.preview = Object.fromEntries(counts.map((count) => [count.id, summarizedCounts(count.deletedCounts)]));
    request.status = counts.every((count) => count.failureReason === null) ? 'COMPLETED' : 'FAILED';
    this.report(
      [requestId],
      counts.map((count) =>
        this.outcomeReport(
          count.id,
          count.failureReason === null ? 'COMPLETED' : 'FAILED',
          count.deletedCounts,
          1,
          count.failureReason,
          1,
        ),
      ),
    );
  }

  holdForApproval(requestId: string, reason: string): void {
    Object.assign(this.requests.get(requestId)!, { status: 'AWAITING_APPROVAL', reason: truncated(reason) });
  }

  /** A registry refusal during a request's admission or finalization fails that request only; retryFailed reruns it. */
  failStep(requestId: string, step: 'admission' | 'finalization', reason: string): void {
    Object.assign(this.requests.get(requestId)!, { status: 'FAILED', failedStep: step, reason: truncated(reason) });
    this.unfinalized.delete(requestId);
  }

  startGrace(requestId: string, endsAt: number, seconds: number): void {
    Object.assign(this.requests.get(requestId)!, {
      graceEndsAt: endsAt,
      reason: `grace period: deletion starts ${seconds} s after the suspend; cancel restores the tenant`,
    });
  }

  graceEnded(now: number): string[] {
    return this.open().flatMap((request) =>
      inGrace(request) && request.graceEndsAt <= now ? [request.requestId] : [],
    );
  }

  nextGraceEnd(): number | null {
    const ends = this.open().flatMap((request) => (inGrace(request) ? [request.graceEndsAt] : []));
    return ends.length === 0 ? null : Math.min(...ends);
  }

  /** The request's instances become PENDING (joining a running deletion of the same instance if there is one). */
  admit(requestId: string): void {
    const request = this.requests.get(requestId)!;
    Object.assign(request, { graceEndsAt: null, reason: null });
    for (const id of request.instances) {
      const existing = this.instances.get(id);
      if (existing && !TERMINAL.has(existing.status)) {
        if (!existing.requestIds.includes(requestId)) existing.requestIds.push(requestId);
        continue;
      }
      if (existing?.status === 'COMPLETED' || this.inventory.get(id)?.status === 'DELETED') continue;
      this.instances.set(id, {
        serviceInstanceId: id,
        serviceType: this.typeOf(id),
        status: 'PENDING',
        deletedCounts: {},
        attempts: existing?.attempts ?? 0,
        lastError: null,
        // A FAILED instance admitted again: requests still waiting on it get this run's outcome too.
        requestIds: [
          ...(existing?.requestIds ?? []).filter((id) => id !== requestId && this.isOpenRequest(id)),
          requestId,
        ],
        run: (existing?.run ?? 0) + 1,
        startedAt: null,
        finishedAt: null,
      });
    }
  }

  // ---- running

  /** PENDING instances whose dependents are all gone, in inventory order. */
  ready(limit: number): InstanceState[] {
    const ready: InstanceState[] = [];
    for (const instance of this.instances.values()) {
      if (ready.length >= limit) break;
      if (instance.status !== 'PENDING') continue;
      if ((this.dependents.get(instance.serviceInstanceId) ?? []).every((id) => this.isDeleted(id))) {
        ready.push(instance);
      }
    }
    return ready;
  }

  running(): number {
    let count = 0;
    for (const instance of this.instances.values()) {
      if (instance.status === 'IN_PROGRESS' || instance.status === 'ON_HOLD') count += 1;
    }
    return count;
  }

  started(id: string, now: number): void {
    Object.assign(this.instances.get(id)!, { status: 'IN_PROGRESS', startedAt: now });
  }

  hold(id: string, onHold: boolean, reason: string | null): boolean {
    const instance = this.instances.get(id);
    if (!instance || TERMINAL.has(instance.status)) return false;
    instance.status = onHold ? 'ON_HOLD' : 'IN_PROGRESS';
    instance.lastError = reason === null ? null : truncated(reason);
    return true;
  }

  /**
   * A child's outcome, from its result or its signal (both may come): applied once, for the run it belongs to.
   * A cancelled instance keeps what depends on it: the instances it needs are cancelled with it.
   */
  finish(id: string, run: number, outcome: InstanceDeletionOutcome, now: number): boolean {
    const instance = this.instances.get(id);
    if (!instance || instance.run !== run || (instance.status !== 'IN_PROGRESS' && instance.status !== 'ON_HOLD')) {
      return false;
    }
    Object.assign(instance, {
      status: outcome.status,
      deletedCounts: outcome.deletedCounts,
      attempts: instance.attempts + outcome.attempts,
      lastError: outcome.failureReason === null ? null : truncated(outcome.failureReason),
      finishedAt: now,
    });
    this.report(instance.requestIds, [
      { ...outcome, serviceInstanceId: id, serviceType: instance.serviceType, attempts: instance.attempts, run },
    ]);
    if (outcome.status === 'CANCELLED') this.keepDependencies([id], 'was cancelled', now);
    return true;
  }

  /** Ends the requests whose instances have all ended; a completed one waits for finalization. */
  settleRequests(): void {
    for (const request of this.open()) {
      if (request.dryRun || request.status === 'AWAITING_APPROVAL' || inGrace(request)) continue;
      if (this.toAdmit.includes(request.requestId)) continue;
      // An instance the request never admitted was deleted before it came: done, and complete.
      const mine = request.instances.map((id) => this.instances.get(id));
      const done = (instance: InstanceState | undefined) =>
        instance === undefined || (TERMINAL.has(instance.status) && instance.status !== 'FAILED');
      if (!mine.every(done)) continue;
      const completed = mine.every((instance) => instance === undefined || instance.status === 'COMPLETED');
      request.status = completed ? 'COMPLETED' : 'CANCELLED';
      if (completed) this.unfinalized.add(request.requestId);
    }
  }

  /** Requests to finalize now: completed ones, once no instance is left to run (the tenant may be empty). */
  toFinalize(): RequestState[] {
    if (this.unfinalized.size === 0 || this.active()) return [];
    return [...this.requests.values()].filter((request) => !request.dryRun && request.status === 'COMPLETED');
  }

  finalized(certificateId: string | undefined): void {
    this.finalizations += 1;
    this.unfinalized.clear();
    this.certificateId = certificateId ?? this.certificateId;
  }

  // ---- controls (signals and updates)

  /** What `cancel` would do; throws ControlRefused when it would do nothing or names unknown instances. */
  validateCancel(selection: InstanceSelection): void {
    this.checkKnown(selection);
    const result = this.planCancel(selection);
    if (result.instances.length + result.requests.length === 0) {
      throw new ControlRefused(
        `nothing to cancel for tenant ${this.tenantId}${selection.instances ? ` among ${selection.instances.join(', ')}` : ''}: every instance has settled`,
      );
    }
  }

  /**
   * Cancels the selected instances (or all): pending and failed ones at once, with the pending ones they need (which
   * could never run while they stay), running ones by asking their child; requests held for approval or in their
   * grace period that the selection touches end CANCELLED, nothing deleted.
   */
  cancel(selection: InstanceSelection, now: number): ControlResult {
    const plan = this.planCancel(selection);
    for (const change of plan.requests) {
      const request = this.requests.get(change.requestId)!;
      // A whole-tenant request between approval and its grace period may have suspended the tenant already.
      const suspended = inGrace(request) || (request.wholeTenant && this.toAdmit.includes(request.requestId));
      if (suspended) this.outbox.resumeTenant.push(request.traceId);
      const reason = suspended
        ? 'cancelled in the grace period: tenant restored, nothing deleted'
        : 'cancelled while awaiting approval: nothing deleted';
      Object.assign(request, { status: 'CANCELLED', reason, graceEndsAt: null });
      this.toAdmit = this.toAdmit.filter((id) => id !== change.requestId);
      this.report(
        [request.requestId],
        request.instances.map((id) => this.outcomeReport(id, 'CANCELLED', {}, 0, reason, 1)),
      );
    }
    const chosen = selection.instances ? new Set(selection.instances) : undefined;
    const cancelled: string[] = [];
    for (const change of plan.instances) {
      const instance = this.instances.get(change.serviceInstanceId)!;
      if (change.to === 'CANCEL_REQUESTED') {
        this.outbox.cancelChildren.push(instance.serviceInstanceId);
        continue;
      }
      // Not chosen: an instance a chosen one needs, cancelled below with the reason that keeps it.
      if (chosen && !chosen.has(instance.serviceInstanceId)) continue;
      cancelled.push(instance.serviceInstanceId);
      Object.assign(instance, {
        status: 'CANCELLED',
        lastError: `${instance.lastError ? `${instance.lastError}; ` : ''}cancelled by an admin: nothing more deleted`,
        finishedAt: now,
      });
      this.report(instance.requestIds, [
        this.outcomeReport(
          instance.serviceInstanceId,
          'CANCELLED',
          instance.deletedCounts,
          0,
          instance.lastError,
          instance.run,
        ),
      ]);
    }
    this.keepDependencies(cancelled, 'was cancelled by an admin', now);
    return plan;
  }

  validateRetry(selection: InstanceSelection): void {
    this.checkKnown(selection);
    const plan = this.planRetry(selection);
    if (plan.instances.length + plan.requests.length === 0) {
      throw new ControlRefused(
        `nothing to retry for tenant ${this.tenantId}${selection.instances ? ` among ${selection.instances.join(', ')}` : ''}: ` +
          'nothing has failed, or what failed is needed by a cancelled instance and so is kept',
      );
    }
  }

  /** Failed instances run again (a new run, a new idempotency key); requests failed at a registry step rerun it. */
  retry(selection: InstanceSelection): ControlResult {
    const plan = this.planRetry(selection);
    for (const change of plan.instances) {
      const instance = this.instances.get(change.serviceInstanceId)!;
      Object.assign(instance, { status: 'PENDING', run: instance.run + 1, startedAt: null, finishedAt: null });
    }
    for (const change of plan.requests) {
      const request = this.requests.get(change.requestId)!;
      if (request.failedStep === 'admission') this.toAdmit.push(request.requestId);
      Object.assign(request, { status: 'IN_PROGRESS', failedStep: null, reason: null });
    }
    return plan;
  }

  validateApproval(approval: Approval): void {
    const held = this.approvable(approval);
    if (held.length === 0) {
      throw new ControlRefused(
        `nothing awaits approval for tenant ${this.tenantId}${namedRequests(approval) ? ` among ${namedRequests(approval)!.join(', ')}` : ''}`,
      );
    }
    const own = held.filter((request) => request.requestedBy === approval.approvedBy);
    if (own.length > 0) {
      throw new ControlRefused(
        `${approval.approvedBy} requested ${own.map((request) => request.requestId).join(', ')} and cannot approve it: a second person must`,
      );
    }
  }

  /** Releases the held requests; their admission (blast-radius claim, suspend, grace) follows in the main loop. */
  approve(approval: Approval): ControlResult {
    const held = this.approvable(approval);
    for (const request of held) {
      Object.assign(request, { status: 'IN_PROGRESS', reason: null, approvedBy: approval.approvedBy });
      this.toAdmit.push(request.requestId);
    }
    return {
      instances: [],
      requests: held.map((request) => ({ requestId: request.requestId, from: 'AWAITING_APPROVAL', to: 'IN_PROGRESS' })),
    };
  }

  // ---- views

  status(): DeletionStatus {
    return rollUpStatus([...this.instances.values()], [...this.requests.values()]);
  }

  /** Something still runs or waits to: the workflow is not done. */
  active(): boolean {
    if (this.incoming.length > 0 || this.toAdmit.length > 0) return true;
    for (const instance of this.instances.values()) {
      if (instance.status === 'PENDING' || instance.status === 'IN_PROGRESS' || instance.status === 'ON_HOLD')
        return true;
    }
    return this.open().some(inGrace);
  }

  /** Waiting on an admin: a request held for approval, a failed instance or a failed registry step. */
  waitsForAdmin(): boolean {
    return (
      [...this.instances.values()].some((instance) => instance.status === 'FAILED') ||
      [...this.requests.values()].some((request) => request.status === 'AWAITING_APPROVAL' || failedAtStep(request))
    );
  }

  progress(): TenantProgress {
    const list = [...this.instances.values()];
    return {
      tenantId: this.tenantId,
      status: this.status(),
      instances: list,
      requests: [...this.requests.values()],
      totals: totals(list),
      ...(this.certificateId ? { certificateId: this.certificateId } : {}),
    };
  }

  summary(): TenantSummary {
    const list = [...this.instances.values()];
    const order = ['FAILED', 'ON_HOLD', 'IN_PROGRESS'];
    const attention = list
      .filter((instance) => order.includes(instance.status))
      .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
      .slice(0, SUMMARY_ATTENTION_LIMIT);
    return {
      tenantId: this.tenantId,
      status: this.status(),
      totals: totals(list),
      attention,
      openRequests: this.open().map(({ preview: _preview, ...request }) => request),
      ...(this.certificateId ? { certificateId: this.certificateId } : {}),
    };
  }

  result(): TenantDeletionResult {
    const large = this.instances.size > DETAILED_COUNTS_LIMIT;
    return {
      tenantId: this.tenantId,
      status: this.status(),
      instances: [...this.instances.values()].map((instance) => ({
        serviceInstanceId: instance.serviceInstanceId,
        serviceType: instance.serviceType,
        status: instance.status,
        deletedCounts: large ? totalOnly(instance.deletedCounts) : instance.deletedCounts,
        attempts: instance.attempts,
        failureReason: instance.lastError,
      })),
      requests: [...this.requests.values()].map((request) => ({
        requestId: request.requestId,
        status: request.status,
        dryRun: request.dryRun,
        reason: request.reason,
        ...(request.preview ? { preview: request.preview } : {}),
      })),
      ...(this.certificateId ? { certificateId: this.certificateId } : {}),
    };
  }

  /**
   * What the next run needs, in the compact form of carried-state.ts: open requests (and those FAILED at a registry
   * step, which retryFailed reruns) whole, at most the last FINISHED_REQUESTS_KEPT finished ones, instance counts
   * reduced to totals beyond DETAILED_COUNTS_LIMIT instances. The inventory is reloaded, not carried.
   */
  carried(): CompactState {
    const finished = [...this.requests.values()].filter(
      (request) => TERMINAL.has(request.status as never) && !failedAtStep(request),
    );
    const dropped = new Set(
      finished
        .slice(0, Math.max(0, finished.length - FINISHED_REQUESTS_KEPT))
        .filter((request) => !this.unfinalized.has(request.requestId))
        .map((request) => request.requestId),
    );
    const large = this.instances.size > DETAILED_COUNTS_LIMIT;
    return encodeCarried({
      requests: [...this.requests.values()].filter((request) => !dropped.has(request.requestId)),
      instances: [...this.instances.values()].map((instance) => ({
        ...instance,
        deletedCounts: large ? totalOnly(instance.deletedCounts) : instance.deletedCounts,
        requestIds: TERMINAL.has(instance.status)
          ? instance.requestIds.filter((id) => !dropped.has(id))
          : instance.requestIds,
      })),
      incoming: this.incoming,
      toAdmit: this.toAdmit,
      unfinalized: [...this.unfinalized],
      finalizations: this.finalizations,
      certificateId: this.certificateId,
      outbox: this.outbox,
    });
  }

  takeOutbox(): Outbox {
    const taken = this.outbox;
    this.outbox = { reports: [], cancelChildren: [], resumeTenant: [] };
    return taken;
  }

  hasOutbox(): boolean {
    return this.outbox.reports.length + this.outbox.cancelChildren.length + this.outbox.resumeTenant.length > 0;
  }

  // ---- internals

  private open(): RequestState[] {
    return [...this.requests.values()].filter(isOpen);
  }

  private isOpenRequest(requestId: string): boolean {
    const request = this.requests.get(requestId);
    return request !== undefined && isOpen(request);
  }

  private isDeleted(id: string): boolean {
    return this.instances.get(id)?.status === 'COMPLETED' || this.inventory.get(id)?.status === 'DELETED';
  }

  private checkKnown(selection: InstanceSelection): void {
    const unknown = (selection.instances ?? []).filter(
      (id) => !this.instances.has(id) && ![...this.requests.values()].some((r) => r.instances.includes(id)),
    );
    if (unknown.length > 0) {
      throw new ControlRefused(`tenant ${this.tenantId}'s deletion has no instance ${unknown.join(', ')}`);
    }
  }

  private planCancel(selection: InstanceSelection): ControlResult {
    const chosen = selection.instances ? new Set(selection.instances) : undefined;
    const requests = [...this.requests.values()]
      .filter(
        (request) =>
          (request.status === 'AWAITING_APPROVAL' ||
            inGrace(request) ||
            (this.toAdmit.includes(request.requestId) && request.status === 'IN_PROGRESS')) &&
          (!chosen || request.instances.some((id) => chosen.has(id))),
      )
      .map((request) => ({ requestId: request.requestId, from: request.status, to: 'CANCELLED' as const }));
    const instances: ControlResult['instances'] = [];
    for (const instance of this.instances.values()) {
      if (chosen && !chosen.has(instance.serviceInstanceId)) continue;
      if (instance.status === 'PENDING' || instance.status === 'FAILED') {
        instances.push({ serviceInstanceId: instance.serviceInstanceId, from: instance.status, to: 'CANCELLED' });
      } else if (instance.status === 'IN_PROGRESS' || instance.status === 'ON_HOLD') {
        instances.push({
          serviceInstanceId: instance.serviceInstanceId,
          from: instance.status,
          to: 'CANCEL_REQUESTED',
        });
      }
    }
    const cancelled = instances.filter((change) => change.to === 'CANCELLED').map((change) => change.serviceInstanceId);
    for (const { id } of this.keptDependencies(cancelled)) {
      instances.push({ serviceInstanceId: id, from: 'PENDING', to: 'CANCELLED' });
    }
    return { instances, requests };
  }

  private planRetry(selection: InstanceSelection): ControlResult {
    const chosen = selection.instances ? new Set(selection.instances) : undefined;
    const instances = [...this.instances.values()]
      .filter((instance) => instance.status === 'FAILED' && (!chosen || chosen.has(instance.serviceInstanceId)))
      // An instance that a cancelled one needs stays, as the cancel kept it: run again, it could never start.
      .filter((instance) => !this.neededByCancelled(instance.serviceInstanceId))
      .map((instance) => ({
        serviceInstanceId: instance.serviceInstanceId,
        from: instance.status,
        to: 'PENDING' as const,
      }));
    const requests = [...this.requests.values()]
      .filter((request) => failedAtStep(request) && (!chosen || request.instances.some((id) => chosen.has(id))))
      .map((request) => ({ requestId: request.requestId, from: request.status, to: 'IN_PROGRESS' as const }));
    return { instances, requests };
  }

  private neededByCancelled(id: string): boolean {
    return (this.dependents.get(id) ?? []).some((dependent) => this.instances.get(dependent)?.status === 'CANCELLED');
  }

  private approvable(approval: Approval): RequestState[] {
    const named = namedRequests(approval);
    return [...this.requests.values()].filter(
      (request) => request.status === 'AWAITING_APPROVAL' && (!named || named.includes(request.requestId)),
    );
  }

  /** Cancels the PENDING instances that a kept instance needs: they could never run while it stays. */
  private keepDependencies(kept: string[], because: string, now: number): void {
    for (const { id, keptBy } of this.keptDependencies(kept)) {
      const instance = this.instances.get(id)!;
      Object.assign(instance, {
        status: 'CANCELLED',
        lastError: `kept: ${keptBy} depends on it and ${because}`,
        finishedAt: now,
      });
      this.report(instance.requestIds, [this.outcomeReport(id, 'CANCELLED', {}, 0, instance.lastError, instance.run)]);
    }
  }

  /** The PENDING instances the kept ones need, directly or through others: breadth first, each once. */
  private keptDependencies(kept: string[]): { id: string; keptBy: string }[] {
    const queue = kept.map((id) => ({ id, keptBy: id }));
    const seen = new Set(kept);
    const found: { id: string; keptBy: string }[] = [];
    while (queue.length > 0) {
      const { id, keptBy } = queue.shift()!;
      for (const needed of this.inventory.get(id)?.dependsOn ?? []) {
        if (seen.has(needed)) continue;
        seen.add(needed);
        if (this.instances.get(needed)?.status === 'PENDING') found.push({ id: needed, keptBy });
        queue.push({ id: needed, keptBy });
      }
    }
    return found;
  }

  private report(requestIds: string[], instances: InstanceReport[]): void {
    if (instances.length > 0) this.outbox.reports.push({ requestIds: [...requestIds], instances });
  }

  private outcomeReport(
    id: string,
    status: InstanceReport['status'],
    deletedCounts: DeletedCounts,
    attempts: number,
    failureReason: string | null,
    run: number,
  ): InstanceReport {
    return {
      serviceInstanceId: id,
      serviceType: this.typeOf(id),
      status,
      deletedCounts,
      attempts,
      failureReason,
      durationMs: 0,
      run,
    };
  }
}

function newRequestState(
  request: DeletionRequest,
  status: RequestState['status'],
  reason: string | null,
  instances: string[],
): RequestState {
  return {
    requestId: request.requestId,
    traceId: request.traceId,
    requestedBy: request.requestedBy,
    gdprMode: request.gdprMode,
    dryRun: request.dryRun,
    wholeTenant: request.instances === undefined,
    status,
    reason: reason === null ? null : truncated(reason),
    statedReason: request.reason ?? null,
    approvedBy: null,
    dueAt:
      request.gdprMode && !request.dryRun && status !== 'REJECTED'
        ? gdprDueAt(request.requestedAt ? new Date(request.requestedAt) : new Date()).toISOString()
        : null,
    instances,
    graceEndsAt: null,
    failedStep: null,
  };
}

function isOpen(request: RequestState): boolean {
  return request.status === 'IN_PROGRESS' || request.status === 'PENDING' || request.status === 'AWAITING_APPROVAL';
}

/** A request FAILED at a registry step: not finished, it waits for retryFailed to run that step again. */
function failedAtStep(request: RequestState): boolean {
  return request.status === 'FAILED' && !!request.failedStep;
}

/** A whole-tenant request waiting out its grace period: suspended, nothing deleted yet. */
function inGrace(request: RequestState): request is RequestState & { graceEndsAt: number } {
  return typeof request.graceEndsAt === 'number';
}

function namedRequests(approval: Approval): string[] | undefined {
  const named = [...(approval.requestId ? [approval.requestId] : []), ...(approval.requestIds ?? [])];
  return named.length > 0 ? named : undefined;
}

function totalOnly(counts: DeletedCounts): DeletedCounts {
  return isTotalOnly(counts) ? counts : { total: countsTotal(counts) };
}

function summarizedCounts(counts: DeletedCounts): DeletedCounts {
  return Object.keys(counts).length > 20 ? totalOnly(counts) : counts;
}
