import type pg from 'pg';
import type { TenantRole, TenantStatus } from '@tenant-deletion/contract';

/**
 * A tenant's members and their roles. Exactly one owner once the tenant has one: the owner's role changes only
 * through a transfer, which makes the old owner an admin in the same transaction. Every change locks the tenant's row,
 * so concurrent changes of one tenant's members happen one after the other.
 */

export interface Member {
  userId: string;
  role: TenantRole;
  addedAt: Date;
}

interface MemberRow {
  user_id: string;
  role: TenantRole;
  added_at: Date;
}

const member = (row: MemberRow): Member => ({ userId: row.user_id, role: row.role, addedAt: row.added_at });

/** Why a change was refused, for the route to answer 404/409 with. */
export type MemberRefusal =
  | { refused: 'TENANT_NOT_FOUND' }
  | { refused: 'TENANT_DELETED' }
  | { refused: 'OWNER_EXISTS'; owner: string }
  | { refused: 'OWNER_REQUIRED'; owner: string }
  | { refused: 'NOT_A_MEMBER' };

type Changed<T> = { refused?: undefined } & T;

export function isRefusal(result: object): result is MemberRefusal {
  return typeof (result as { refused?: unknown }).refused === 'string';
}

async function inTenantTransaction<T extends object>(
  db: pg.Pool,
  tenantId: string,
  change: (client: pg.PoolClient, owner: string | undefined) => Promise<T | MemberRefusal>,
): Promise<T | MemberRefusal> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const tenant = await client.query<{ status: TenantStatus }>(
      'SELECT status FROM tenants WHERE tenant_id = $1 FOR UPDATE',
      [tenantId],
    );
    const status = tenant.rows[0]?.status;
    const refusal: MemberRefusal | undefined =
      status === undefined
        ? { refused: 'TENANT_NOT_FOUND' }
        : status === 'DELETED'
          ? { refused: 'TENANT_DELETED' }
          : undefined;
    if (refusal) {
      await client.query('ROLLBACK');
      return refusal;
    }
    const owner = await client.query<{ user_id: string }>(
      "SELECT user_id FROM tenant_members WHERE tenant_id = $1 AND role = 'owner'",
      [tenantId],
    );
    const result = await change(client, owner.rows[0]?.user_id);
    await client.query(isRefusal(result) ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The tenant's state and members (owner first, then admins, then members), or undefined for an unknown tenant. */
export async function listMembers(
  db: pg.Pool,
  tenantId: string,
): Promise<{ status: TenantStatus; members: Member[] } | undefined> {
  const tenant = await db.query<{ status: TenantStatus }>('SELECT status FROM tenants WHERE tenant_id = $1', [
    tenantId,
  ]);
  if (tenant.rows.length === 0) return undefined;
  const { rows } = await db.query<MemberRow>(
    `SELECT user_id, role, added_at FROM tenant_members WHERE tenant_id = $1
     ORDER BY array_position(ARRAY['owner', 'admin', 'member'], role), user_id`,
    [tenantId],
  );
  return { status: tenant.rows[0].status, members: rows.map(member) };
}

/**
 * Adds a member or changes their role. `owner` only while the tenant has none (else transfer-ownership); the owner's
 * own role is not lowered here, as that would leave the tenant without one.
 */
export async function putMember(
  db: pg.Pool,
  tenantId: string,
  userId: string,
  role: TenantRole,
): Promise<Changed<{ member: Member; created: boolean }> | MemberRefusal> {
  return inTenantTransaction(db, tenantId, async (client, owner) => {
    if (role === 'owner' && owner !== undefined && owner !== userId) return { refused: 'OWNER_EXISTS', owner };
    if (role !== 'owner' && owner === userId) return { refused: 'OWNER_REQUIRED', owner };
    const { rows } = await client.query<MemberRow & { created: boolean }>(
      `INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = EXCLUDED.role
       RETURNING user_id, role, added_at, (xmax = 0) AS created`,
      [tenantId, userId, role],
    );
    return { member: member(rows[0]), created: rows[0].created };
  });
}

/** Removes a member; the owner cannot be removed (transfer first). Removing a non-member changes nothing. */
export async function removeMember(
  db: pg.Pool,
  tenantId: string,
  userId: string,
): Promise<Changed<{ removed: boolean }> | MemberRefusal> {
  return inTenantTransaction(db, tenantId, async (client, owner) => {
    if (owner === userId) return { refused: 'OWNER_REQUIRED', owner };
    const { rowCount } = await client.query('DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2', [
      tenantId,
      userId,
    ]);
    return { removed: (rowCount ?? 0) > 0 };
  });
}

/** Makes `to` (already a member) the owner and the previous owner an admin, in one transaction. */
export async function transferOwnership(
  db: pg.Pool,
  tenantId: string,
  to: string,
): Promise<Changed<{ owner: string; previousOwner: string | null; changed: boolean }> | MemberRefusal> {
  return inTenantTransaction(db, tenantId, async (client, owner) => {
    const target = await client.query('SELECT 1 FROM tenant_members WHERE tenant_id = $1 AND user_id = $2', [
      tenantId,
      to,
    ]);
    if (target.rows.length === 0) return { refused: 'NOT_A_MEMBER' };
    if (owner === to) return { owner: to, previousOwner: to, changed: false };
    // The old owner steps down first: the one-owner index would refuse two owners even within the transaction.
    if (owner !== undefined) {
      await client.query("UPDATE tenant_members SET role = 'admin' WHERE tenant_id = $1 AND user_id = $2", [
        tenantId,
        owner,
      ]);
    }
    await client.query("UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [
      tenantId,
      to,
    ]);
    return { owner: to, previousOwner: owner ?? null, changed: true };
  });
}
