import type pg from 'pg';

/**
 * The kit's own bookkeeping, beside the service's tables in its database so that a deletion's progress
 * commits in the same transaction as the rows it deleted. The names are fixed, so the plan and the
 * coverage guard can tell these tables from the service's (a service table that merely starts with
 * `kit_` is still planned).
 */

export const KIT_TABLES = [
  'kit_legal_holds',
  'kit_legal_hold_history',
  'kit_idempotency_keys',
  'kit_deletion_runs',
  'kit_file_removals',
] as const;

const DDL = `
  CREATE TABLE IF NOT EXISTS kit_legal_holds (
    tenant_id  text PRIMARY KEY,
    reason     text NOT NULL,
    placed_at  timestamptz NOT NULL DEFAULT now()
  );
  -- Who placed a hold (the admin token's subject); NULL on holds placed before the kit recorded it.
  ALTER TABLE kit_legal_holds ADD COLUMN IF NOT EXISTS placed_by text;
  -- Lifted holds are kept, with who lifted them: releasing data for deletion is what an audit asks about.
  CREATE TABLE IF NOT EXISTS kit_legal_hold_history (
    id         bigserial PRIMARY KEY,
    tenant_id  text NOT NULL,
    reason     text NOT NULL,
    placed_by  text,
    placed_at  timestamptz NOT NULL,
    lifted_by  text NOT NULL,
    lifted_at  timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS kit_legal_hold_history_tenant ON kit_legal_hold_history (tenant_id, lifted_at);
  CREATE TABLE IF NOT EXISTS kit_idempotency_keys (
    idempotency_key text PRIMARY KEY,
    tenant_id       text NOT NULL,
    operation       text NOT NULL,
    status          integer NOT NULL,
    headers         jsonb NOT NULL,
    body            jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS kit_idempotency_keys_created_at ON kit_idempotency_keys (created_at);
  CREATE TABLE IF NOT EXISTS kit_deletion_runs (
    run_id         uuid PRIMARY KEY,
    tenant_id      text NOT NULL,
    status         text NOT NULL CHECK (status IN ('running', 'finished')),
    background     boolean NOT NULL,
    deleted_counts jsonb NOT NULL,
    stop_code      text,
    stop_message   text,
    result         jsonb,
    started_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
  );
  CREATE UNIQUE INDEX IF NOT EXISTS kit_deletion_runs_one_open_per_tenant
    ON kit_deletion_runs (tenant_id) WHERE status = 'running';
  -- The file outbox (file-outbox.ts): files of committed deletions still to unlink.
  CREATE TABLE IF NOT EXISTS kit_file_removals (
    id            bigserial PRIMARY KEY,
    tenant_id     text NOT NULL,
    run_id        uuid NOT NULL,
    source_table  text NOT NULL,
    source_column text NOT NULL,
    path          text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS kit_file_removals_tenant ON kit_file_removals (tenant_id, id);
`;

/** Replayed answers older than this are forgotten: the orchestrator's retries of one request end long before. */
const IDEMPOTENCY_RETENTION = '30 days';

export async function ensureKitTables(db: pg.Pool): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // Instances of one service starting together would otherwise race on CREATE TABLE IF NOT EXISTS.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('kit-bookkeeping-ddl'))");
    await client.query(DDL);
    await client.query(
      `DELETE FROM kit_idempotency_keys WHERE created_at < now() - interval '${IDEMPOTENCY_RETENTION}'`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
