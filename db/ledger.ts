import type pg from 'pg';
import type { DeletedCounts, LEDGER_STATUSES } from '@tenant-deletion/contract';

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

/** Which of these request ids the ledger already holds for the tenant: a request seen before, by any run. */
export async function recordedRequests(db: pg.Pool, tenantId: string, requestIds: string[]): Promise<string[]> {
  if (requestIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT deletion_request_id AS id FROM service_deletion_requests
      WHERE tenant_id = $1 AND deletion_request_id = ANY($2::text[])`,
    [tenantId, requestIds],
  );
  return rows.map((row) => row.id);
}

export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/** A row in one of these may still delete something; every other status is an end. */
const OPEN_STATUSES: readonly LedgerStatus[] = ['PENDING', 'IN_PROGRESS'];

/** How one request stands in the ledger, over its rows (one per instance). */
export interface RequestLedgerState {
  tenantId: string;
  requestId: string;
  /** How many of its rows stand at each status. */
  statuses: Partial<Record<LedgerStatus, number>>;
  /**
   * None of its rows is PENDING or IN_PROGRESS: its deletion ran to its end. FAILED counts as an end: only
   * `tdel retry` (retryFailed) reopens a failed row, never the same request sent again.
   */
  ended: boolean;
  /** When its last row last changed (the database's clock): the end, once it has ended. */
  lastChange: Date;
}

/** `COMPLETED`, or `COMPLETED ×2, FAILED ×1` when its instances ended differently. */
export function describeStatuses(statuses: RequestLedgerState['statuses']): string {
  const entries = Object.entries(statuses);
  if (entries.length === 1) return entries[0][0];
  return entries.map(([status, n]) => `${status} ×${n}`).join(', ');
}

/** The ledger's state of each of these requests it holds; a request it does not hold is left out. */
export async function requestStates(
  db: pg.Pool | pg.ClientBase,
  requests: { tenantId: string; requestId: string }[],
): Promise<RequestLedgerState[]> {
  if (requests.length === 0) return [];
  const { rows } = await db.query<{
    tenant_id: string;
    request_id: string;
    status: LedgerStatus;
    n: number;
    last_change: Date;
  }>(
    `SELECT tenant_id, deletion_request_id AS request_id, status, count(*)::int AS n, max(updated_at) AS last_change
       FROM service_deletion_requests
      WHERE (tenant_id, deletion_request_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      GROUP BY tenant_id, deletion_request_id, status
      ORDER BY tenant_id, deletion_request_id, status`,
    [requests.map((request) => request.tenantId), requests.map((request) => request.requestId)],
  );
  const states = new Map<string, RequestLedgerState>();
  for (const row of rows) {
    const key = `${row.tenant_id}\n${row.request_id}`;
    const state = states.get(key) ?? {
      tenantId: row.tenant_id,
      requestId: row.request_id,
      statuses: {},
      ended: true,
      lastChange: row.last_change,
    };
    state.statuses[row.status] = row.n;
    state.ended &&= !OPEN_STATUSES.includes(row.status);
    if (row.last_change > state.lastChange) state.lastChange = row.last_change;
    states.set(key, state);
  }
  return [...states.values()];
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
