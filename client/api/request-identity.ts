import { createHash, randomUUID } from 'node:crypto';
import { identifier } from '@tenant-deletion/contract';
import { invalid } from './api-errors';

/**
 * The ids a deletion request gets from the API. Each call is a new request (a fresh UUID) unless the client sends
 * `Idempotency-Key`: then the id is derived from the key, so a POST retried after a lost answer is the same request
 * and the workflow absorbs it. The key is scoped to the subject, the tenant and the kind of request, so one client's
 * key can never name another's request. The tenant is the id's tail: the request status route finds the tenant of a
 * request that has no ledger rows yet (held for approval, refused before admission).
 */

export type RequestKind = 'whole-tenant' | 'instances';

/** 1-255 visible ASCII characters, as clients generate them (a UUID, a ULID, a hash). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const API_REQUEST_ID = /^api-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(.+)$/;

/** A UUID (version 8: custom) from a digest, so the same inputs always give the same id. */
function uuidOf(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface RequestIdInput {
  tenantId: string;
  subject: string;
  kind: RequestKind;
  /** The Idempotency-Key header, when sent. */
  idempotencyKey?: string | string[];
}

export function requestIdFor({ tenantId, subject, kind, idempotencyKey }: RequestIdInput): string {
  if (idempotencyKey === undefined) return `api-${randomUUID()}:${tenantId}`;
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw invalid('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be one header of 1-255 visible ASCII characters');
  }
  const digest = createHash('sha256')
    .update(JSON.stringify([kind, tenantId, subject, idempotencyKey]))
    .digest();
  return `api-${uuidOf(digest)}:${tenantId}`;
}

/** The tenant an API-made request id names, or undefined for any other id (a Kafka request's, say). */
export function tenantOfRequestId(requestId: string): string | undefined {
  const tenantId = API_REQUEST_ID.exec(requestId)?.[2];
  return tenantId !== undefined && identifier.safeParse(tenantId).success ? tenantId : undefined;
}

/** The caller's X-Trace-Id when it obeys the identifier rule; a new one when none is sent. */
export function traceIdFor(header: string | string[] | undefined): string {
  if (header === undefined) return `api-${randomUUID()}`;
  if (typeof header !== 'string' || !identifier.safeParse(header).success) {
    throw invalid('INVALID_TRACE_ID', 'X-Trace-Id must be one header of 1-64 characters of A-Z a-z 0-9 . _ : -');
  }
  return header;
}
