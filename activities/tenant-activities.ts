import { Context } from '@temporalio/activity';
import type pg from 'pg';
import type { CertificateSigner } from '../common/certificates/signing-key';
import type { DeletedCounts } from '../common/deletion-outcome';
import type { EventPublisher } from '../common/kafka-client';
import {
  settingsFor,
  type OrchestrationSettings,
  type ServiceTypeSettings,
  type WorkerConfig,
} from '../common/worker-config';
import { recordOutcome, recordPending, type LedgerEntry } from '../db/ledger';
import { listInstances } from '../db/service-instances';
import type { PlannedInstance } from '../workflows/dependency-plan';
import { issueCertificate } from './certificate-issuer';
import { lifecycleMessage, resultMessage, type ResultEvent } from './deletion-events';
import { RegistryClient } from './registry-client';

/** Activities of the orchestration queue: the inventory, the ledger, the registry and the events. */

export interface TenantActivityDeps {
  db: pg.Pool;
  publisher: EventPublisher;
  registry: RegistryClient;
  workerConfig: WorkerConfig;
  guardRails: GuardRailSettings;
  /** Signs the deletion certificates finalizeTenant issues; null where the orchestration queue is not run. */
  certificateSigner: CertificateSigner | null;
}

export interface LoadedInventory {
  instances: PlannedInstance[];
  orchestration: OrchestrationSettings;
  /** Per service type in this tenant: its timeouts and retry policy, which the child workflows apply. */
  serviceTypes: Record<string, ServiceTypeSettings>;
  guardRails: GuardRailSettings;
}

export interface GuardRailSettings {
  /** A deletion whose previewed total exceeds this waits for `approve`; null: no preview, no approval. */
  approvalThresholdRecords: number | null;
  gracePeriodSeconds: number;
}

export interface RequestRecord {
  requestId: string;
  traceId: string;
  dryRun: boolean;
  gdprMode: boolean;
}

export interface InstanceReport {
  serviceInstanceId: string;
  serviceType: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'REJECTED';
  deletedCounts: DeletedCounts;
  attempts: number;
  failureReason: string | null;
  durationMs: number;
  /** Which run of this instance (1, then 2 after a retryFailed): keeps event ids distinct per run. */
  run: number;
}

export interface OutcomeReport {
  tenantId: string;
  requests: RequestRecord[];
  instances: InstanceReport[];
}

export interface FinalizeInput {
  tenantId: string;
  traceId: string;
  gdprMode: boolean;
  /** A whole-tenant request was completed: the tenant record goes too. */
  deleteTenantRecord: boolean;
  /** Distinguishes this finalization's events from a later deletion of a re-created tenant. */
  runKey: string;
  /** What the deletion certificate states: ids and counts only, never PII. */
  requests: {
    requestId: string;
    requestedBy: string;
    gdprMode: boolean;
    reason: string | null;
    wholeTenant: boolean;
  }[];
  instances: {
    serviceInstanceId: string;
    serviceType: string;
    deletedCounts: DeletedCounts;
    attempts: number;
    /** The service's preview showed zero rows after its delete. */
    verified: boolean;
  }[];
  startedAt: string;
}

export interface FinalizeResult {
  certificateId?: string;
  tenantEmpty: boolean;
  tenantDeleted: boolean;
  piiErased: boolean;
}

export function createTenantActivities({
  db,
  publisher,
  registry,
  workerConfig,
  guardRails,
  certificateSigner,
}: TenantActivityDeps) {
  return {
    async loadInventory(tenantId: string): Promise<LoadedInventory> {
      const instances = await listInstances(db, tenantId);
      const types = [...new Set(instances.map((instance) => instance.serviceType))];
      return {
        instances: instances.map(({ serviceInstanceId, serviceType, baseUrl, dependsOn, status }) => ({
          serviceInstanceId,
          serviceType,
          baseUrl,
          dependsOn,
          status,
        })),
        orchestration: workerConfig.orchestration,
        serviceTypes: Object.fromEntries(types.map((type) => [type, settingsFor(workerConfig, type)])),
        guardRails,
      };
    },

    /** Stops new writes for the tenant while its data goes; false when the registry does not know it. */
    async suspendTenant(tenantId: string, traceId: string): Promise<boolean> {
      return registry.suspend(tenantId, traceId, Context.current().info.attempt);
    },

    async recordRequests(entries: LedgerEntry[]): Promise<void> {
      await recordPending(db, entries);
    },

    /** Writes each outcome to the ledger, then publishes one result per (request, instance). */
    async reportOutcomes(report: OutcomeReport): Promise<void> {
      const finishedAt = new Date();
      const messages = [];
      for (const instance of report.instances) {
        await recordOutcome(db, {
          tenantId: report.tenantId,
          serviceInstanceId: instance.serviceInstanceId,
          requestIds: report.requests.map((request) => request.requestId),
          status: instance.status,
          attempts: instance.attempts,
          durationMs: instance.durationMs,
          failureReason: instance.failureReason,
          deletedCounts: instance.deletedCounts,
          finishedAt,
        });
        for (const request of report.requests) {
          const event: ResultEvent = {
            traceId: request.traceId,
            requestId: request.requestId,
            tenantId: report.tenantId,
            serviceType: instance.serviceType,
            serviceInstanceId: instance.serviceInstanceId,
            status: instance.status,
            dryRun: request.dryRun,
            deletedCounts: instance.deletedCounts,
            attempts: instance.attempts,
            failureReason: instance.failureReason,
            durationMs: instance.durationMs,
            finishedAt: finishedAt.toISOString(),
          };
          messages.push(resultMessage(event, instance.run));
        }
      }
      await publisher.publish(messages);
    },

    /**
     * Once no active instance is left: TENANT_EMPTY; for a whole-tenant request the tenant record goes
     * (its PII erased in GDPR mode) and TENANT_DELETED follows. In GDPR mode an emptied tenant's PII is
     * erased even when per-instance requests emptied it. A signed deletion certificate is issued after the
     * registry's erasure, so that it can state it, and both events carry its id. Every step is idempotent per
     * run key: a retry erases again (a no-op), gets the same certificate back and publishes the same event ids.
     */
    async finalizeTenant(input: FinalizeInput): Promise<FinalizeResult> {
      const attempt = Context.current().info.attempt;
      const remaining = (await listInstances(db, input.tenantId)).filter((instance) => instance.status !== 'DELETED');
      if (remaining.length > 0) return { tenantEmpty: false, tenantDeleted: false, piiErased: false };
      if (!certificateSigner) {
        throw new Error(`cannot certify the deletion of tenant ${input.tenantId}: this worker has no signing key`);
      }

      // The registry's DELETE removes the record in either mode; erasePii decides whether its PII goes too.
      const registryErased = input.deleteTenantRecord || input.gdprMode;
      if (registryErased) {
        await registry.deleteTenant(input.tenantId, input.gdprMode, input.traceId, attempt);
      }
      const { certificate } = await issueCertificate(db, certificateSigner, input, {
        tenantRecordDeleted: registryErased,
        piiErased: input.gdprMode,
      });
      const certificateId = certificate.body.certificateId;

      const base = {
        tenantId: input.tenantId,
        traceId: input.traceId,
        gdprMode: input.gdprMode,
        certificateId,
        at: new Date().toISOString(),
      };
      const messages = [lifecycleMessage({ ...base, type: 'TENANT_EMPTY' }, input.runKey)];
      if (input.deleteTenantRecord) messages.push(lifecycleMessage({ ...base, type: 'TENANT_DELETED' }, input.runKey));
      await publisher.publish(messages);
      return { certificateId, tenantEmpty: true, tenantDeleted: input.deleteTenantRecord, piiErased: input.gdprMode };
    },
  };
}

export type TenantActivities = ReturnType<typeof createTenantActivities>;
