import { z } from 'zod';
import { TOPICS } from '../../common/contract';
import type { DeletionRequest } from '../../common/deletion-request';
import { identifier, isoTimestamp, serviceType } from '../../common/identifiers';

/**
 * The two request messages as the contract pins them, and how each becomes a deletion request. Unknown fields are
 * refused (strict objects): a producer that sends something we do not understand should hear about it in the DLQ
 * rather than have it ignored.
 */

const common = {
  tenantId: identifier,
  requestedBy: identifier,
  timestamp: isoTimestamp,
  gdprMode: z.boolean(),
  dryRun: z.boolean().default(false),
};

export const serviceDeletionMessage = z.strictObject({
  traceId: identifier,
  key: identifier,
  payload: z.strictObject({ ...common, serviceType, serviceInstanceId: identifier }),
});

export const tenantDeletionMessage = z.strictObject({
  traceId: identifier,
  key: identifier,
  payload: z.strictObject({
    ...common,
    reason: z
      .string()
      .max(200)
      .regex(/^[\w .,:;()/-]*$/, 'must be plain text (letters, digits, spaces, . , : ; ( ) / -)')
      .optional(),
  }),
});

export type DlqCode = 'INVALID_JSON' | 'INVALID_MESSAGE' | 'KEY_MISMATCH' | 'TOO_LARGE' | 'UNKNOWN_TOPIC';

export type Parsed =
  { ok: true; request: DeletionRequest } | { ok: false; code: DlqCode; message: string; issues: unknown[] };

/**
 * Validates one Kafka record. The request id is derived from the message, not made up, so that a redelivered
 * message is the same request: traceId + tenantId (+ serviceInstanceId for one instance). The tenant is part of it
 * because upstream systems reuse trace ids across tenants, and a request id (the services' Idempotency-Key, the
 * ledger's key) must name one tenant's request.
 */
export function parseRequest(topic: string, key: string | null, value: Buffer | null, maxBytes: number): Parsed {
  const size = value?.length ?? 0;
  if (size > maxBytes) {
    return { ok: false, code: 'TOO_LARGE', message: `message is ${size} bytes, the limit is ${maxBytes}`, issues: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, code: 'INVALID_JSON', message: `not JSON: ${(error as Error).message}`, issues: [] };
  }
  const schema =
    topic === TOPICS.serviceDeletionRequest
      ? serviceDeletionMessage
      : topic === TOPICS.tenantDeletionRequest
        ? tenantDeletionMessage
        : undefined;
  if (!schema) return { ok: false, code: 'UNKNOWN_TOPIC', message: `no request is read from ${topic}`, issues: [] };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'INVALID_MESSAGE',
      message: parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
        .join('; '),
      issues: parsed.error.issues.map(({ code, path, message }) => ({ code, path, message })),
    };
  }
  const message = parsed.data;
  if (key !== message.payload.tenantId || message.key !== message.payload.tenantId) {
    return {
      ok: false,
      code: 'KEY_MISMATCH',
      message: 'the Kafka key, the envelope key and payload.tenantId must be the same tenant id',
      issues: [],
    };
  }
  const { payload } = message;
  const base = {
    tenantId: payload.tenantId,
    requestedBy: payload.requestedBy,
    traceId: message.traceId,
    gdprMode: payload.gdprMode,
    dryRun: payload.dryRun,
    requestedAt: payload.timestamp,
  };
  if ('serviceInstanceId' in payload) {
    return {
      ok: true,
      request: {
        ...base,
        requestId: `${message.traceId}:${payload.tenantId}:${payload.serviceInstanceId}`,
        instances: [payload.serviceInstanceId],
      },
    };
  }
  return {
    ok: true,
    request: {
      ...base,
      requestId: `${message.traceId}:${payload.tenantId}`,
      ...(payload.reason ? { reason: payload.reason } : {}),
    },
  };
}
