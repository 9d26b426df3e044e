import { z } from 'zod';
import {
  deletionRequestSchema,
  TOPICS,
  type DeletionRequest,
  type DlqCode,
  type DlqError,
  identifier,
  isoTimestamp,
  serviceType,
} from '@tenant-deletion/contract';

/**
 * The two request messages as the contract pins them, and how each becomes a deletion request. Unknown fields are
 * refused (strict objects): a producer that sends something we do not understand should hear about it in the DLQ
 * rather than have it ignored.
 */

/** The descriptions land in the published JSON Schemas (docs/contract/kafka), which producers read. */
const common = {
  tenantId: identifier.describe('The tenant: the same as the Kafka key and the envelope key.'),
  requestedBy: identifier.describe('Who asks: an id of a person or system, never a name or e-mail address.'),
  timestamp: isoTimestamp.describe(
    'When the requester asked. Older than REQUEST_MAX_AGE_HOURS (72 by default): refused as STALE. A GDPR ' +
      'deletion is due one month later.',
  ),
  gdprMode: z.boolean().describe('true: once all is deleted, erase the tenant record and its PII too (GDPR Art. 17).'),
  dryRun: z.boolean().default(false).describe('true: ask every service what it would delete, deleting nothing.'),
};

const envelope = {
  traceId: identifier.describe(
    'Names this request: with the tenant (and instance) it makes the requestId, so a message read again is the ' +
      'same request. Use a new one for a new request.',
  ),
  key: identifier.describe('The tenant again: must equal the Kafka key and payload.tenantId.'),
};

export const serviceDeletionMessage = z.strictObject({
  ...envelope,
  payload: z.strictObject({
    ...common,
    serviceType: serviceType.describe("The instance's service type, as the inventory records it."),
    serviceInstanceId: identifier.describe('The service instance to delete the tenant from.'),
  }),
});

export const tenantDeletionMessage = z.strictObject({
  ...envelope,
  payload: z.strictObject({
    ...common,
    reason: deletionRequestSchema.shape.reason.describe('Why, for the audit trail (e.g. contract-ended).'),
  }),
});

/** A refusal of one message; HANDOVER_REJECTED is decided later, by Temporal. */
type Refusal = DlqError & { code: Exclude<DlqCode, 'HANDOVER_REJECTED'> };

export type Parsed = { ok: true; request: DeletionRequest } | ({ ok: false } & Refusal);

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
      issues: parsed.error.issues.map(({ code, path, message }) => ({ code, path: path.map(pathKey), message })),
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

/** JSON has no symbol keys; a symbol in a zod path could only come from code, and is named rather than dropped. */
function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? String(key) : key;
}
