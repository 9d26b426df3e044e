import type pg from 'pg';
import { z } from 'zod';
import type { Answer } from './answer';
import { KitHttpError } from './api-errors';

/**
 * `Idempotency-Key` (the orchestrator's requestId): the first successful answer to a key is stored and
 * replayed, so a retried DELETE reports the counts of the deletion it repeats rather than zeros, and a
 * retried 202 leads to the same job. Refusals (409 hold, 423, 429, 5xx) are not stored: they describe a
 * moment, and the retry that follows them must get a fresh answer.
 */

export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters of A-Z a-z 0-9 . _ : -');

interface StoredKey {
  tenantId: string;
  operation: string;
  answer: Answer;
}

export class IdempotencyStore {
  constructor(private readonly db: pg.Pool) {}

  async find(key: string): Promise<StoredKey | undefined> {
    const { rows } = await this.db.query<{
      tenant_id: string;
      operation: string;
      status: number;
      headers: Record<string, string>;
      body: unknown;
    }>('SELECT tenant_id, operation, status, headers, body FROM kit_idempotency_keys WHERE idempotency_key = $1', [
      key,
    ]);
    const row = rows[0];
    return row && { tenantId: row.tenant_id, operation: row.operation, answer: answerOf(row) };
  }

  /** Stores the answer unless a concurrent request with the key stored one first; returns the one kept. */
  async save(key: string, tenantId: string, operation: string, answer: Answer): Promise<Answer> {
    const { rows } = await this.db.query<{ status: number; headers: Record<string, string>; body: unknown }>(
      `INSERT INTO kit_idempotency_keys (idempotency_key, tenant_id, operation, status, headers, body)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING status, headers, body`,
      [key, tenantId, operation, answer.status, JSON.stringify(answer.headers ?? {}), JSON.stringify(answer.body)],
    );
    if (rows[0]) return answerOf(rows[0]);
    const kept = await this.find(key);
    return kept?.answer ?? answer;
  }
}

function answerOf(row: { status: number; headers: Record<string, string>; body: unknown }): Answer {
  return { status: row.status, headers: row.headers, body: row.body };
}

/**
 * Answers a request once per key: a replay for the same tenant and operation, 422 for a key reused
 * for anything else, otherwise `produce`'s answer (stored when it is a success).
 */
export async function answerOnce(
  store: IdempotencyStore,
  header: string | string[] | undefined,
  tenantId: string,
  operation: string,
  produce: () => Promise<Answer>,
): Promise<Answer> {
  if (header === undefined) return produce();
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new KitHttpError(400, 'INVALID_IDEMPOTENCY_KEY', `Idempotency-Key ${parsed.error.issues[0].message}`);
  }
  const key = parsed.data;
  const stored = await store.find(key);
  if (stored) {
    if (stored.tenantId !== tenantId || stored.operation !== operation) {
      throw new KitHttpError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'Idempotency-Key was first used for another request (another tenant or operation); use a new key',
      );
    }
    return { ...stored.answer, headers: { ...stored.answer.headers, 'idempotency-replayed': 'true' } };
  }
  const answer = await produce();
  if (answer.status < 200 || answer.status >= 300) return answer;
  return store.save(key, tenantId, operation, answer);
}
