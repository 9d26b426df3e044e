import type pg from 'pg';
import type { LedgerStatus } from '../../db/ledger';
import type { LedgerRow } from './api-schemas';

/**
 * One request's rows of the ledger (service_deletion_requests: one row per request and instance), for
 * `GET /api/v1/deletions/{requestId}`. Read only; the workers write the ledger.
 */

interface Row {
  tenant_id: string;
  service_instance_id: string;
  service_type: string;
  status: LedgerStatus;
  dry_run: boolean;
  gdpr_mode: boolean;
  trace_id: string;
  retry_count: number;
  deleted_counts: Record<string, number> | null;
  failure_reason: string | null;
  duration_ms: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  due_at: Date | null;
}

export interface RequestRows {
  tenantId: string;
  rows: LedgerRow[];
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The request's rows, or null when the ledger has none (not admitted yet, refused, or unknown). */
export async function requestRows(db: pg.Pool, requestId: string): Promise<RequestRows | null> {
  const { rows } = await db.query<Row>(
    `SELECT tenant_id, service_instance_id, service_type, status, dry_run, gdpr_mode, trace_id, retry_count,
            deleted_counts, failure_reason, duration_ms, created_at, updated_at, finished_at, due_at
       FROM service_deletion_requests
      WHERE deletion_request_id = $1
      ORDER BY service_instance_id`,
    [requestId],
  );
  if (rows.length === 0) return null;
  return {
    tenantId: rows[0].tenant_id,
    rows: rows.map((row) => ({
      serviceInstanceId: row.service_instance_id,
      serviceType: row.service_type,
      status: row.status,
      dryRun: row.dry_run,
      gdprMode: row.gdpr_mode,
      traceId: row.trace_id,
      retryCount: row.retry_count,
      deletedCounts: row.deleted_counts,
      failureReason: row.failure_reason,
      // bigint comes back as text.
      durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      finishedAt: iso(row.finished_at),
      dueAt: iso(row.due_at),
    })),
  };
}

/** A request's status over its rows: still open while any row is, else the worst end (FAILED before CANCELLED…). */
export function rolledUpStatus(rows: readonly Pick<LedgerRow, 'status'>[]): LedgerStatus {
  const order: LedgerStatus[] = ['IN_PROGRESS', 'PENDING', 'FAILED', 'CANCELLED', 'REJECTED', 'COMPLETED'];
  const present = new Set(rows.map((row) => row.status));
  if (present.has('IN_PROGRESS') || (present.has('PENDING') && present.size > 1)) return 'IN_PROGRESS';
  return order.find((status) => present.has(status)) ?? 'PENDING';
}
