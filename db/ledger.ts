import type pg from 'pg';
import type { DeletedCounts } from '../common/deletion-outcome';

/**
 * The ledger `service_deletion_requests`: one row per (request, instance), PENDING -> IN_PROGRESS -> terminal.
 * Every write is idempotent, because the activities that make them are retried.
 */

export function ledgerRowId(requestId: string, serviceInstanceId: string): string {
  return `${requestId}:${serviceInstanceId}`;
}

export interface LedgerEntry {
  requestId: string;
  tenantId: string;
  serviceInstanceId: string;
  serviceType: string;
  traceId: string;
  workflowId: string;
  dryRun: boolean;
  gdprMode: boolean;
  /** GDPR requests: when the law wants the deletion done (ISO-8601); null otherwise. */
  dueAt: string | null;
}

export async function recordPending(db: pg.Pool, entries: LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO service_deletion_requests
       (request_id, deletion_request_id, tenant_id, service_instance_id, service_type, trace_id, workflow_id, dry_run, gdpr_mode, due_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::bool[], $10::timestamptz[])
     ON CONFLICT (request_id) DO NOTHING`,
    [
      entries.map((entry) => ledgerRowId(entry.requestId, entry.serviceInstanceId)),
      entries.map((entry) => entry.requestId),
      entries.map((entry) => entry.tenantId),
      entries.map((entry) => entry.serviceInstanceId),
      entries.map((entry) => entry.serviceType),
      entries.map((entry) => entry.traceId),
      entries.map((entry) => entry.workflowId),
      entries.map((entry) => entry.dryRun),
      entries.map((entry) => entry.gdprMode),
      entries.map((entry) => entry.dueAt),
    ],
  );
}

/** Marks the instance's open rows as being deleted; `attempt` 1 is the first try. */
export async function recordInProgress(
  db: pg.Pool,
  tenantId: string,
  serviceInstanceId: string,
  requestIds: string[],
  attempt: number,
): Promise<void> {
  await db.query(
    `UPDATE service_deletion_requests
        SET status = 'IN_PROGRESS', retry_count = GREATEST(retry_count, $4), updated_at = now()
      WHERE request_id = ANY($3::text[]) AND tenant_id = $1 AND service_instance_id = $2
        AND status IN ('PENDING', 'IN_PROGRESS', 'FAILED')`,
    [tenantId, serviceInstanceId, requestIds.map((id) => ledgerRowId(id, serviceInstanceId)), attempt - 1],
  );
}

export interface LedgerOutcome {
  tenantId: string;
  serviceInstanceId: string;
  requestIds: string[];
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'REJECTED';
  attempts: number;
  durationMs: number;
  failureReason: string | null;
  deletedCounts: DeletedCounts;
  finishedAt: Date;
}

export async function recordOutcome(db: pg.Pool, outcome: LedgerOutcome): Promise<void> {
  await db.query(
    `UPDATE service_deletion_requests
        SET status = $4, retry_count = GREATEST(retry_count, $5), duration_ms = $6, failure_reason = $7,
            deleted_counts = $8, finished_at = $9, updated_at = now()
      WHERE request_id = ANY($3::text[]) AND tenant_id = $1 AND service_instance_id = $2`,
    [
      outcome.tenantId,
      outcome.serviceInstanceId,
      outcome.requestIds.map((id) => ledgerRowId(id, outcome.serviceInstanceId)),
      outcome.status,
      Math.max(0, outcome.attempts - 1),
      outcome.durationMs,
      outcome.failureReason,
      JSON.stringify(outcome.deletedCounts),
      outcome.finishedAt,
    ],
  );
}
