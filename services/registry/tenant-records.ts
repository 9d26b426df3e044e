import type pg from 'pg';
import { z } from 'zod';
import { identifier, type TenantStatus } from '@tenant-deletion/contract';

/**
 * The registry's tenant records and their life cycle: ACTIVE → SUSPENDED (writes refused) → DELETED
 * (optionally with the PII erased). Every change is idempotent so a retried workflow step converges. A DELETED
 * tenant comes back only through a forced re-creation (see saveTenant).
 */

export const newTenantSchema = z.object({
  tenantId: identifier,
  displayName: z.string().trim().min(1).max(200),
  ownerEmail: z.email().max(254),
  billingAddress: z.string().trim().min(1).max(1000),
  /** The owner's user id (an identity subject); set once, later changed only by transfer-ownership. */
  owner: identifier.optional(),
});

export type NewTenant = z.infer<typeof newTenantSchema>;

/** What may be said about a tenant without its PII. */
export interface TenantState {
  tenantId: string;
  status: TenantStatus;
}

export interface TenantTransition extends TenantState {
  /** When the tenant reached the state it is in; the first time, so repeats answer the same. */
  at: Date;
}

export interface TenantErasure {
  tenantId: string;
  piiErased: boolean;
  deletedAt: Date;
}

interface StateRow {
  tenant_id: string;
  status: TenantStatus;
}

interface TransitionRow extends StateRow {
  at: Date;
}

function transition(row: TransitionRow | undefined): TenantTransition | undefined {
  return row && { tenantId: row.tenant_id, status: row.status, at: row.at };
}

/** What saving a tenant record did: created or refreshed it, re-created a deleted one, or refused to. */
export type SaveOutcome =
  | { outcome: 'saved' | 'recreated'; tenant: TenantState; createdAt: Date }
  | { outcome: 'refused'; tenantId: string; deletedAt: Date; piiErased: boolean }
  | { outcome: 'owner-exists'; tenantId: string; owner: string };

interface ExistingRow {
  status: TenantStatus;
  deleted_at: Date | null;
  pii_erased: boolean;
}

/**
 * Creates the tenant or refreshes its record, for re-seeding; a suspended one stays suspended, as its deletion may
 * still be running. A DELETED tenant is re-created (ACTIVE, a new created_at) only when `force` says so on purpose:
 * otherwise a deletion request made before the re-creation could still delete the new tenant, and its certificate
 * would describe a record that no longer exists. The row is locked, so a concurrent delete cannot slip in between.
 */
export async function saveTenant(db: pg.Pool, tenant: NewTenant, force: boolean): Promise<SaveOutcome> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const existing = await client.query<ExistingRow>(
      `SELECT status, deleted_at, pii_erased_at IS NOT NULL AS pii_erased FROM tenants WHERE tenant_id = $1 FOR UPDATE`,
      [tenant.tenantId],
    );
    const previous = existing.rows[0];
    if (previous?.status === 'DELETED' && !force) {
      await client.query('ROLLBACK');
      return {
        outcome: 'refused',
        tenantId: tenant.tenantId,
        deletedAt: previous.deleted_at ?? new Date(0),
        piiErased: previous.pii_erased,
      };
    }
    const { rows } = await client.query<StateRow & { created_at: Date }>(
      `INSERT INTO tenants (tenant_id, display_name, owner_email, billing_address)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET
         display_name = EXCLUDED.display_name,
         owner_email = EXCLUDED.owner_email,
         billing_address = EXCLUDED.billing_address,
         status = CASE WHEN tenants.status = 'DELETED' THEN 'ACTIVE' ELSE tenants.status END,
         created_at = CASE WHEN tenants.status = 'DELETED' THEN now() ELSE tenants.created_at END,
         suspended_at = CASE WHEN tenants.status = 'DELETED' THEN NULL ELSE tenants.suspended_at END,
         deleted_at = NULL,
         pii_erased_at = NULL
       RETURNING tenant_id, status, created_at`,
      [tenant.tenantId, tenant.displayName, tenant.ownerEmail, tenant.billingAddress],
    );
    const recreated = previous?.status === 'DELETED';
    // A re-created tenant is a new tenant: whoever belonged to the old one has no say over it.
    if (recreated) await client.query('DELETE FROM tenant_members WHERE tenant_id = $1', [tenant.tenantId]);
    if (tenant.owner !== undefined) {
      const owner = await setFirstOwner(client, tenant.tenantId, tenant.owner);
      if (owner !== tenant.owner) {
        await client.query('ROLLBACK');
        return { outcome: 'owner-exists', tenantId: tenant.tenantId, owner };
      }
    }
    await client.query('COMMIT');
    return {
      outcome: recreated ? 'recreated' : 'saved',
      tenant: { tenantId: rows[0].tenant_id, status: rows[0].status },
      createdAt: rows[0].created_at,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Makes userId the owner unless the tenant has one; returns the owner it has afterwards. */
async function setFirstOwner(client: pg.PoolClient, tenantId: string, userId: string): Promise<string> {
  const current = await client.query<{ user_id: string }>(
    "SELECT user_id FROM tenant_members WHERE tenant_id = $1 AND role = 'owner'",
    [tenantId],
  );
  if (current.rows.length > 0) return current.rows[0].user_id;
  await client.query(
    `INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = 'owner'`,
    [tenantId, userId],
  );
  return userId;
}

/** A tenant's state and when it was created, or last re-created: requests older than that must not delete it. */
export async function findTenant(
  db: pg.Pool,
  tenantId: string,
): Promise<(TenantState & { createdAt: Date }) | undefined> {
  const { rows } = await db.query<StateRow & { created_at: Date }>(
    'SELECT tenant_id, status, created_at FROM tenants WHERE tenant_id = $1',
    [tenantId],
  );
  return rows[0] && { tenantId: rows[0].tenant_id, status: rows[0].status, createdAt: rows[0].created_at };
}

/** Suspends an active tenant. A deleted tenant stays DELETED: it already accepts no writes. */
export async function suspendTenant(db: pg.Pool, tenantId: string): Promise<TenantTransition | undefined> {
  const { rows } = await db.query<TransitionRow>(
    `UPDATE tenants SET
       status = CASE WHEN status = 'ACTIVE' THEN 'SUSPENDED' ELSE status END,
       suspended_at = CASE WHEN status = 'ACTIVE' THEN now() ELSE suspended_at END
     WHERE tenant_id = $1
     RETURNING tenant_id, status, CASE status WHEN 'DELETED' THEN deleted_at ELSE suspended_at END AS at`,
    [tenantId],
  );
  return transition(rows[0]);
}

/** Lifts a suspension (a deletion cancelled in its grace period). A deleted tenant is left DELETED for the caller to refuse. */
export async function resumeTenant(db: pg.Pool, tenantId: string): Promise<TenantTransition | undefined> {
  const { rows } = await db.query<TransitionRow>(
    `UPDATE tenants SET
       status = CASE WHEN status = 'SUSPENDED' THEN 'ACTIVE' ELSE status END,
       suspended_at = CASE WHEN status = 'SUSPENDED' THEN NULL ELSE suspended_at END
     WHERE tenant_id = $1
     RETURNING tenant_id, status, CASE status WHEN 'DELETED' THEN deleted_at ELSE now() END AS at`,
    [tenantId],
  );
  return transition(rows[0]);
}

/**
 * Marks the tenant DELETED and, when asked, overwrites its PII with NULL and removes its members (who belonged to a
 * tenant is personal data too). The row stays as a PII-free tombstone. Erasure is one-way: a later call without
 * erasePii keeps it erased.
 */
export async function deleteTenant(
  db: pg.Pool,
  tenantId: string,
  erasePii: boolean,
): Promise<TenantErasure | undefined> {
  const { rows } = await db.query<{ tenant_id: string; pii_erased: boolean; deleted_at: Date }>(
    `WITH erased_members AS (DELETE FROM tenant_members WHERE tenant_id = $1 AND $2)
     UPDATE tenants SET
       status = 'DELETED',
       deleted_at = COALESCE(deleted_at, now()),
       display_name = CASE WHEN $2 THEN NULL ELSE display_name END,
       owner_email = CASE WHEN $2 THEN NULL ELSE owner_email END,
       billing_address = CASE WHEN $2 THEN NULL ELSE billing_address END,
       pii_erased_at = CASE WHEN $2 THEN COALESCE(pii_erased_at, now()) ELSE pii_erased_at END
     WHERE tenant_id = $1
     RETURNING tenant_id, pii_erased_at IS NOT NULL AS pii_erased, deleted_at`,
    [tenantId, erasePii],
  );
  return rows[0] && { tenantId: rows[0].tenant_id, piiErased: rows[0].pii_erased, deletedAt: rows[0].deleted_at };
}
