import { Context } from '@temporalio/activity';
import type { DeletedCounts } from '../../common/deletion-outcome';
import { orchestrationSettingsSchema, parseWorkerConfig, type WorkerConfig } from '../../common/worker-config';
import type { DeleteInstanceInput, InstanceActivities, InstanceTarget } from '../../activities/instance-activities';
import type { GuardRailActivities } from '../../activities/guard-rail-activities';
import type {
  FinalizeInput,
  GuardRailSettings,
  OutcomeReport,
  TenantActivities,
} from '../../activities/tenant-activities';
import type { LedgerEntry } from '../../db/ledger';
import type { PlannedInstance } from '../../workflows/dependency-plan';

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
  readonly inventories = new Map<string, PlannedInstance[]>();
  readonly behaviours = new Map<string, Behaviour>();
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
      suspendTenant: async (tenantId) => {
        this.suspended.push(tenantId);
        return true;
      },
      recordRequests: async (entries) => void this.ledger.push(...entries),
      reportOutcomes: async (report) => void this.reports.push(report),
      finalizeTenant: async (input) => {
        this.finalizations.push(input);
        const left = (this.inventories.get(input.tenantId) ?? []).filter((i) => i.status !== 'DELETED');
        return { tenantEmpty: left.length === 0, tenantDeleted: input.deleteTenantRecord, piiErased: input.gdprMode };
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
    const setStatus = (target: InstanceTarget, status: PlannedInstance['status']) => {
      const instance = this.inventories
        .get(target.tenantId)
        ?.find((i) => i.serviceInstanceId === target.serviceInstanceId);
      if (instance) instance.status = status;
    };
    return {
      previewInstance: async (target) => {
        record('previewInstance', target).finishedAt = Date.now();
        return { rows: 7 };
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
