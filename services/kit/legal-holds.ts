import type pg from 'pg';
import { z } from 'zod';

/**
 * Legal holds: while a tenant's data must be preserved (litigation, an authority's order), deletion
 * answers 409 and deletes nothing; a running batched deletion stops before its next batch. Holds are
 * set and lifted by an admin (a `legal-hold:admin` token), never by the orchestrator. Who placed a hold
 * and who lifted it are the verified token subjects; a lifted hold moves to kit_legal_hold_history, so
 * that an audit can tell who released data for deletion and when.
 */

export const legalHoldBodySchema = z.object({ reason: z.string().trim().min(1).max(2000) });

export interface LegalHold {
  tenantId: string;
  reason: string;
  /** Undefined for holds placed before the kit recorded who. */
  placedBy?: string;
  placedAt: Date;
}

export interface LiftedHold extends LegalHold {
  liftedBy: string;
  liftedAt: Date;
}

/** GET shows this many of a tenant's lifted holds, newest first. */
export const LIFTED_HOLDS_SHOWN = 20;

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

interface HoldRow {
  reason: string;
  placed_by: string | null;
  placed_at: Date;
}

function holdOf(tenantId: string, row: HoldRow): LegalHold {
  return { tenantId, reason: row.reason, placedBy: row.placed_by ?? undefined, placedAt: row.placed_at };
}

export class LegalHolds {
  constructor(readonly pool: pg.Pool) {}

  /** Placing a hold twice keeps the first placer and placement time and the newest reason. */
  async place(tenantId: string, reason: string, placedBy: string): Promise<LegalHold> {
    const { rows } = await this.pool.query<HoldRow>(
      `INSERT INTO kit_legal_holds (tenant_id, reason, placed_by) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET reason = EXCLUDED.reason
       RETURNING reason, placed_by, placed_at`,
      [tenantId, reason, placedBy],
    );
    return holdOf(tenantId, rows[0]);
  }

  /** The lifted hold (now in the history), or undefined when there was none. One statement: no hold is lost between. */
  async lift(tenantId: string, liftedBy: string): Promise<LiftedHold | undefined> {
    const { rows } = await this.pool.query<HoldRow & { lifted_by: string; lifted_at: Date }>(
      `WITH lifted AS (DELETE FROM kit_legal_holds WHERE tenant_id = $1 RETURNING tenant_id, reason, placed_by, placed_at)
       INSERT INTO kit_legal_hold_history (tenant_id, reason, placed_by, placed_at, lifted_by)
       SELECT tenant_id, reason, placed_by, placed_at, $2 FROM lifted
       RETURNING reason, placed_by, placed_at, lifted_by, lifted_at`,
      [tenantId, liftedBy],
    );
    return rows[0] && { ...holdOf(tenantId, rows[0]), liftedBy: rows[0].lifted_by, liftedAt: rows[0].lifted_at };
  }

  async find(client: Queryable, tenantId: string): Promise<LegalHold | undefined> {
    const { rows } = await client.query<HoldRow>(
      'SELECT reason, placed_by, placed_at FROM kit_legal_holds WHERE tenant_id = $1',
      [tenantId],
    );
    return rows[0] && holdOf(tenantId, rows[0]);
  }

  /** The tenant's lifted holds, newest first. */
  async history(tenantId: string, limit = LIFTED_HOLDS_SHOWN): Promise<LiftedHold[]> {
    const { rows } = await this.pool.query<HoldRow & { lifted_by: string; lifted_at: Date }>(
      `SELECT reason, placed_by, placed_at, lifted_by, lifted_at FROM kit_legal_hold_history
       WHERE tenant_id = $1 ORDER BY lifted_at DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((row) => ({ ...holdOf(tenantId, row), liftedBy: row.lifted_by, liftedAt: row.lifted_at }));
  }

  /** Asked on the deleting connection, between batches. */
  async isHeld(client: Queryable, tenantId: string): Promise<boolean> {
    const { rowCount } = await client.query('SELECT 1 FROM kit_legal_holds WHERE tenant_id = $1', [tenantId]);
    return (rowCount ?? 0) > 0;
  }
}
