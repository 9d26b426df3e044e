import type pg from 'pg';
import { KitHttpError } from './api-errors';

/**
 * One deletion of a tenant at a time, across every instance of the service: a session advisory lock
 * held on the connection doing the deletion. A crash closes the connection, which frees the lock, so
 * a lock nobody holds while a run is open means the run was interrupted and may be resumed.
 *
 * Each deletion keeps its connection for its whole length, so their number is capped below the pool's
 * size: previews, polls and writes always find a connection, and a deletion past the cap is answered
 * 503 with Retry-After instead of queueing where no one sees it.
 */

/** The kit's key space for advisory locks, so that they never meet a service's own. */
const LOCK_SPACE = 0x6b697400;

export class TenantLocks {
  private held = 0;

  constructor(
    private readonly db: pg.Pool,
    private readonly maxHeld: number,
  ) {}

  /** A connection holding the tenant's lock, or undefined while another connection holds it. */
  async tryLock(tenantId: string): Promise<pg.PoolClient | undefined> {
    if (this.held >= this.maxHeld) {
      throw new KitHttpError(503, 'BUSY', `${this.maxHeld} deletions are running; retry shortly`, 1);
    }
    this.held += 1;
    let client: pg.PoolClient;
    try {
      client = await this.db.connect();
    } catch (error) {
      this.held -= 1;
      throw error;
    }
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
        [LOCK_SPACE, tenantId],
      );
      if (rows[0].locked) return client;
      this.held -= 1;
      client.release();
      return undefined;
    } catch (error) {
      this.held -= 1;
      client.release(error as Error);
      throw error;
    }
  }

  /** Unlocks and gives the connection back; one in doubt (an error, a simulated crash) is closed, which unlocks too. */
  async release(client: pg.PoolClient, tenantId: string, discard = false): Promise<void> {
    this.held -= 1;
    if (discard) {
      client.release(true);
      return;
    }
    try {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, tenantId]);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  }
}
