import type pg from 'pg';
import { requestStates } from './ledger';

/**
 * The blast-radius cap: at most `max` whole-tenant deletions start in a rolling window. A start is recorded once
 * per request, so a retried activity neither counts twice nor is refused by its own earlier start. That standing
 * lasts while the request's deletion runs: once the ledger says it ended, the same request id read again (a
 * consumer-group reset, a resent message) is a new start that the cap counts, never a free pass.
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
    const standing = await standingClaim(client, requestId, tenantId);
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM whole_tenant_deletion_starts WHERE started_at > now() - make_interval(hours => $1)`,
      [windowHours],
    );
    const startedInWindow = rows[0].n;
    const allowed = standing === 'standing' || startedInWindow < max || approvedBy !== undefined;
    if (allowed && standing === 'none') {
      await client.query(
        'INSERT INTO whole_tenant_deletion_starts (request_id, tenant_id, approved_by) VALUES ($1, $2, $3)',
        [requestId, tenantId, approvedBy ?? null],
      );
    } else if (allowed && standing === 'ended') {
      // Counted anew from now: the replay takes a slot of the window like any other start.
      await client.query(
        'UPDATE whole_tenant_deletion_starts SET started_at = now(), approved_by = $2 WHERE request_id = $1',
        [requestId, approvedBy ?? null],
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

/**
 * Whether this request holds a claim that still stands: `none` without one; `standing` while its deletion has not
 * ended, or when the claim was taken again after that end (a retry of the replay's own claim); `ended` otherwise.
 */
async function standingClaim(
  client: pg.ClientBase,
  requestId: string,
  tenantId: string,
): Promise<'none' | 'standing' | 'ended'> {
  const claim = await client.query<{ started_at: Date }>(
    'SELECT started_at FROM whole_tenant_deletion_starts WHERE request_id = $1',
    [requestId],
  );
  if (claim.rowCount === 0) return 'none';
  const [ledger] = await requestStates(client, [{ tenantId, requestId }]);
  if (!ledger?.ended || claim.rows[0].started_at > ledger.lastChange) return 'standing';
  return 'ended';
}
