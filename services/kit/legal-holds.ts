import type pg from 'pg';
import { z } from 'zod';

/**
 * Legal holds: while a tenant's data must be preserved (litigation, an authority's order), deletion
 * answers 409 and deletes nothing; a running batched deletion stops before its next batch. Holds are
 * set and lifted by an admin, never by the orchestrator.
 */

export const legalHoldBodySchema = z.object({ reason: z.string().trim().min(1).max(2000) });

export interface LegalHold {
  tenantId: string;
  reason: string;
  placedAt: Date;
}

export class LegalHolds {
  constructor(private readonly db: pg.Pool) {}

  /** Placing a hold twice keeps the first placement time and the newest reason. */
  async place(tenantId: string, reason: string): Promise<LegalHold> {
    const { rows } = await this.db.query<{ reason: string; placed_at: Date }>(
      `INSERT INTO kit_legal_holds (tenant_id, reason) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET reason = EXCLUDED.reason
       RETURNING reason, placed_at`,
      [tenantId, reason],
    );
    return { tenantId, reason: rows[0].reason, placedAt: rows[0].placed_at };
  }

  /** True when a hold was lifted, false when there was none. */
  async lift(tenantId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM kit_legal_holds WHERE tenant_id = $1', [tenantId]);
    return (rowCount ?? 0) > 0;
  }

  async find(tenantId: string): Promise<LegalHold | undefined> {
    const { rows } = await this.db.query<{ reason: string; placed_at: Date }>(
      'SELECT reason, placed_at FROM kit_legal_holds WHERE tenant_id = $1',
      [tenantId],
    );
    return rows[0] && { tenantId, reason: rows[0].reason, placedAt: rows[0].placed_at };
  }

  /** Asked on the deleting connection, between batches. */
  async isHeld(client: pg.PoolClient | pg.Pool, tenantId: string): Promise<boolean> {
    const { rowCount } = await client.query('SELECT 1 FROM kit_legal_holds WHERE tenant_id = $1', [tenantId]);
    return (rowCount ?? 0) > 0;
  }
}
