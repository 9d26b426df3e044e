import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import {
  FAILURE_TYPES,
  type DeletedCounts,
  type DeletionRequest,
  type ServiceInstance,
} from '@tenant-deletion/contract';
import { serviceFailure } from '../../activities/service-failures';
import { orchestrationSettingsSchema, parseWorkerConfig, type WorkerConfig } from '../../common/worker-config';
import type { DeleteInstanceInput, InstanceActivities, InstanceTarget } from '../../activities/instance-activities';
import type { GuardRailActivities } from '../../activities/guard-rail-activities';
import type { FinalizeInput } from '../../activities/finalize-input';
import type { GuardRailSettings, OutcomeReport, TenantActivities } from '../../activities/tenant-activities';
import type { LedgerEntry } from '../../db/ledger';

/**
 * Stand-ins for the activities, so that workflow logic (ordering, rejections, retries, holds, cancels) is tested
 * on a real Temporal server without services. Each instance's behaviour is a function of its attempt.
 */

export type Behaviour = (input: DeleteInstanceInput, attempt: number) => Promise<DeletedCounts>;

export interface Call {
  activity: string;
  tenantId: string;
  serviceInstanceId?: string;
  attempt: number;
  startedAt: number;
  finishedAt?: number;
}

export const FAKE_TYPES = ['app', 'cache', 'db', 'report', 'bulk'];

export function fakeWorkerConfig(orchestration: Partial<WorkerConfig['orchestration']> = {}): WorkerConfig {
  return parseWorkerConfig({
    orchestration: orchestrationSettingsSchema.parse({ holdRecheckSeconds: 1, ...orchestration }),
    defaults: {
      heartbeatTimeoutSeconds: 2,
      retry: { maxAttempts: 3, initialIntervalMs: 100, maxIntervalMs: 2_000, backoffCoefficient: 2 },
    },
    groups: { all: { orchestration: true, serviceTypes: FAKE_TYPES } },
  });
}

export class FakeFleet {
  readonly inventories = new Map<string, ServiceInstance[]>();
  readonly behaviours = new Map<string, Behaviour>();
  /** Per `${tenantId}/${serviceInstanceId}`: what its preview does instead of answering 7 rows. */
  readonly previewBehaviours = new Map<string, (target: InstanceTarget) => Promise<DeletedCounts>>();
  readonly calls: Call[] = [];
  readonly ledger: LedgerEntry[] = [];
  readonly reports: OutcomeReport[] = [];
  readonly finalizations: FinalizeInput[] = [];
  readonly suspended: string[] = [];
  readonly resumed: string[] = [];
  /** Whole-tenant starts the blast-radius cap allows before it holds the next ones. */
  wholeTenantStartsAllowed = Infinity;
  readonly wholeTenantStarts: { requestId: string; approvedBy?: string }[] = [];
  guardRails: GuardRailSettings = { approvalThresholdRecords: null, gracePeriodSeconds: 0 };
  /** When the registry created, or last re-created, each tenant (ISO-8601); a tenant left out is unknown to it. */
  readonly createdAt = new Map<string, string>();
  /** Tenants whose creation time the registry refuses to give, as one answering 403 would. */
  readonly registryRefusals = new Set<string>();

  constructor(readonly workerConfig: WorkerConfig) {}

  addTenant(tenantId: string, instances: [id: string, dependsOn?: string[]][]): void {
    this.inventories.set(
      tenantId,
      instances.map(([id, dependsOn = []]) => ({
        serviceInstanceId: id,
        serviceType: id.split('-')[0],
        baseUrl: `http://fake/${id}`,
        dependsOn,
        status: 'ACTIVE',
      })),
    );
  }

  behave(tenantId: string, serviceInstanceId: string, behaviour: Behaviour): void {
    this.behaviours.set(`${tenantId}/${serviceInstanceId}`, behaviour);
  }

  callsOf(tenantId: string, activity = 'deleteInstance'): Call[] {
    return this.calls.filter((call) => call.tenantId === tenantId && call.activity === activity);
  }

  /** When each instance's successful delete finished, to check the order of deletion. */
  finishedAt(tenantId: string, serviceInstanceId: string): number {
    const done = this.callsOf(tenantId).filter((c) => c.serviceInstanceId === serviceInstanceId && c.finishedAt);
    return done[done.length - 1]?.finishedAt ?? Infinity;
  }

  startedAt(tenantId: string, serviceInstanceId: string): number {
    return this.callsOf(tenantId).find((c) => c.serviceInstanceId === serviceInstanceId)?.startedAt ?? Infinity;
  }

  tenantActivities(): TenantActivities & GuardRailActivities {
    return {
      claimWholeTenantStart: async ({ requestId, approvedBy }) => {
        const known = this.wholeTenantStarts.some((start) => start.requestId === requestId);
        const allowed =
          known || this.wholeTenantStarts.length < this.wholeTenantStartsAllowed || approvedBy !== undefined;
        if (allowed && !known) this.wholeTenantStarts.push({ requestId, approvedBy });
        return {
          allowed,
          startedInWindow: this.wholeTenantStarts.length,
          max: this.wholeTenantStartsAllowed,
          windowHours: 24,
        };
      },
      resumeTenant: async (tenantId) => void this.resumed.push(tenantId),
      loadInventory: async (tenantId) => {
        const instances = this.inventories.get(tenantId) ?? [];
        return {
          instances: instances.map((instance) => ({ ...instance, dependsOn: [...instance.dependsOn] })),
          orchestration: this.workerConfig.orchestration,
          serviceTypes: Object.fromEntries(
            [...new Set(instances.map((i) => i.serviceType))].map((type) => [type, this.workerConfig.defaults]),
          ),
          guardRails: this.guardRails,
        };
      },
      tenantCreatedAt: async (tenantId) => {
        if (this.registryRefusals.has(tenantId)) {
          const attempt = Context.current().info.attempt;
          throw serviceFailure(FAILURE_TYPES.rejected, `tenant registry answered GET /tenants/${tenantId} with 403`, {
            attempt,
          });
        }
        return this.createdAt.get(tenantId) ?? null;
      },
      recordedRequestIds: async (tenantId, requestIds) =>
        requestIds.filter((id) => this.ledger.some((entry) => entry.tenantId === tenantId && entry.requestId === id)),
      suspendTenant: async (tenantId) => {
        this.suspended.push(tenantId);
        return true;
      },
      recordRequests: async (entries) => void this.ledger.push(...entries),
      reportOutcomes: async (report) => void this.reports.push(report),
      finalizeTenant: async (input) => {
        this.finalizations.push(input);
        const left = (this.inventories.get(input.tenantId) ?? []).filter((i) => i.status !== 'DELETED');
        const asked = left.length === 0 && (input.deleteTenantRecord || input.gdprMode);
        return {
          tenantEmpty: left.length === 0,
          tenantDeleted: input.deleteTenantRecord,
          tenantRecord: asked ? 'deleted' : 'kept',
          piiErased: asked && input.gdprMode,
        };
      },
    };
  }

  instanceActivities(): InstanceActivities {
    const record = (activity: string, target: InstanceTarget): Call => {
      const call = {
        activity,
        tenantId: target.tenantId,
        serviceInstanceId: target.serviceInstanceId,
        attempt: Context.current().info.attempt,
        startedAt: Date.now(),
      };
      this.calls.push(call);
      return call;
    };
    const setStatus = (target: InstanceTarget, status: ServiceInstance['status']) => {
      const instance = this.inventories
        .get(target.tenantId)
        ?.find((i) => i.serviceInstanceId === target.serviceInstanceId);
      if (instance) instance.status = status;
    };
    return {
      previewInstance: async (target) => {
        const call = record('previewInstance', target);
        const behaviour = this.previewBehaviours.get(`${target.tenantId}/${target.serviceInstanceId}`);
        const counts = behaviour ? await behaviour(target) : { rows: 7 };
        call.finishedAt = Date.now();
        return counts;
      },
      deleteInstance: async (input) => {
        const call = record('deleteInstance', input);
        setStatus(input, 'DELETING');
        const behaviour = this.behaviours.get(`${input.tenantId}/${input.serviceInstanceId}`);
        const deletedCounts = behaviour ? await behaviour(input, call.attempt) : { rows: 1 };
        call.finishedAt = Date.now();
        setStatus(input, 'DELETED');
        return { deletedCounts, attempt: call.attempt };
      },
      settleCancelledInstance: async (target) => {
        record('settleCancelledInstance', target).finishedAt = Date.now();
        setStatus(target, 'ACTIVE');
        return { rows: 1 };
      },
    };
  }
}

/** An activity that runs until it is cancelled, heartbeating so that the cancel reaches it. */
export async function untilCancelled(): Promise<never> {
  const context = Context.current();
  for (;;) {
    context.heartbeat();
    await context.sleep(100);
  }
}

/** A plain request by admin-1 with fresh ids: the whole tenant, or the instances named. */
export function adminRequest(tenantId: string, instances?: string[]): DeletionRequest {
  return {
    requestId: `r-${randomUUID()}`,
    tenantId,
    requestedBy: 'admin-1',
    traceId: `trace-${randomUUID()}`,
    gdprMode: false,
    dryRun: false,
    ...(instances ? { instances } : {}),
  };
}
