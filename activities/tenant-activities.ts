import { Context } from '@temporalio/activity';
import type pg from 'pg';
import type { CertificateSigner } from '../common/certificates/signing-key';
import type { InstanceReport, ServiceDeletionResult, ServiceInstance } from '@tenant-deletion/contract';
import type { EventPublisher } from '../common/kafka-client';
import {
  settingsFor,
  type OrchestrationSettings,
  type ServiceTypeSettings,
  type WorkerConfig,
} from '../common/worker-config';
import { recordedRequests, recordOutcome, recordPending, type LedgerEntry } from '../db/ledger';
import { listInstances } from '../db/service-instances';
import { deletionMetrics } from '../common/metrics/deletion-metrics';
import { issueCertificate, registryErasure, type RegistryErasure } from './certificate-issuer';
import type { FinalizeInput } from './finalize-input';
import { lifecycleMessage, resultMessage } from './deletion-events';
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
  instances: ServiceInstance[];
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

export interface OutcomeReport {
  tenantId: string;
  requests: RequestRecord[];
  instances: InstanceReport[];
}

export interface FinalizeResult {
  certificateId?: string;
  tenantEmpty: boolean;
  tenantDeleted: boolean;
  /** What the registry did with the tenant record: `not-found` when it answered 404 (nothing was erased there). */
  tenantRecord: RegistryErasure['tenantRecord'];
  /** The registry erased the tenant record's PII (never when it did not find the record). */
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

    /**
     * When the registry created the tenant, or last re-created it; null when it does not know the tenant. A request
     * made before that was meant for the tenant that was deleted, not for this one.
     */
    async tenantCreatedAt(tenantId: string, traceId: string): Promise<string | null> {
      return registry.createdAt(tenantId, traceId, Context.current().info.attempt);
    },

    /** Request ids the ledger already holds: a replayed request, whose run may have closed long ago. */
    async recordedRequestIds(tenantId: string, requestIds: string[]): Promise<string[]> {
      return recordedRequests(db, tenantId, requestIds);
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
          const event: ServiceDeletionResult = {
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
      // Counted once the whole report is out, so that a retried attempt does not count what an earlier one did. A dry
      // run deletes nothing: its outcomes are no deletion.
      if (report.requests.some((request) => !request.dryRun)) {
        for (const instance of report.instances) deletionMetrics().instanceFinished(instance);
      }
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
      if (remaining.length > 0) {
        return { tenantEmpty: false, tenantDeleted: false, tenantRecord: 'kept', piiErased: false };
      }
      if (!certificateSigner) {
        throw new Error(`cannot certify the deletion of tenant ${input.tenantId}: this worker has no signing key`);
      }

      // The registry's DELETE removes the record in either mode; erasePii decides whether its PII goes too. The
      // certificate states what the registry answered: a 404 is "not found", never "erased".
      const askRegistry = input.deleteTenantRecord || input.gdprMode;
      const erasure = registryErasure(
        askRegistry ? await registry.deleteTenant(input.tenantId, input.gdprMode, input.traceId, attempt) : null,
      );
      const { certificate } = await issueCertificate(db, certificateSigner, input, erasure);
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
      // After the last step, as above: a retry gets the same certificate back and must not count it again.
      deletionMetrics().certificateIssued();
      return {
        certificateId,
        tenantEmpty: true,
        tenantDeleted: input.deleteTenantRecord,
        tenantRecord: erasure.tenantRecord,
        piiErased: erasure.piiErased,
      };
    },
  };
}

export type TenantActivities = ReturnType<typeof createTenantActivities>;
