import type pg from 'pg';

/**
 * The blast-radius cap: at most `max` whole-tenant deletions start in a rolling window. A start is recorded once
 * per request, so a retried activity neither counts twice nor is refused by its own earlier start.
 */

export interface BlastRadiusCheck {
  allowed: boolean;
  startedInWindow: number;
}

export async function claimWholeTenantStart(
  db: pg.Pool,
  {
    requestId,
    tenantId,
    max,
    windowHours,
    approvedBy,
  }: {
    requestId: string;
    tenantId: string;
    max: number;
    windowHours: number;
    /** An admin's approval overrides the cap. */
    approvedBy?: string;
  },
): Promise<BlastRadiusCheck> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // One claim at a time, so that two workflows cannot both take the last slot.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('whole_tenant_deletion_starts'))");
    const mine = await client.query('SELECT 1 FROM whole_tenant_deletion_starts WHERE request_id = $1', [requestId]);
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM whole_tenant_deletion_starts WHERE started_at > now() - make_interval(hours => $1)`,
      [windowHours],
    );
    const startedInWindow = rows[0].n;
    const allowed = mine.rowCount! > 0 || startedInWindow < max || approvedBy !== undefined;
    if (allowed && mine.rowCount === 0) {
      await client.query(
        'INSERT INTO whole_tenant_deletion_starts (request_id, tenant_id, approved_by) VALUES ($1, $2, $3)',
        [requestId, tenantId, approvedBy ?? null],
      );
    }
    await client.query('COMMIT');
    return { allowed, startedInWindow };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
