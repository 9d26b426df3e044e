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

/** A JWS in compact form; the signature may be empty here (`alg: none`), so that verification is what refuses it. */
const compactJwt = z
  .string()
  .max(8_192)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, 'must be a JWT (header.payload.signature)');

/** The descriptions land in the published JSON Schemas (docs/contract/kafka), which producers read. */
const common = {
  tenantId: identifier.describe('The tenant: the same as the Kafka key and the envelope key.'),
  requestedBy: identifier
    .optional()
    .describe(
      "Informational only: the request is recorded as made by the `authorization` token's subject, whatever this says.",
    ),
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
  authorization: compactJwt.describe(
    'A JWT from the identity issuer, audience `tenant-deletion-api`, naming who asks (`sub`): an `operator`, a ' +
      '`deletion-requester` system, or an owner or admin of the tenant. The token itself, without `Bearer `. ' +
      'Missing or invalid: refused as UNAUTHENTICATED; valid but without the right: FORBIDDEN. Its subject becomes ' +
      "the request's requestedBy. It is never logged, and the DLQ copy of the message has it redacted.",
  ),
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
export type Refused = { ok: false } & DlqError & { code: Exclude<DlqCode, 'HANDOVER_REJECTED'> };

/** A request before its token is verified: who asks is not known yet, only claimed. */
export type UnsignedRequest = Omit<DeletionRequest, 'requestedBy'>;

/**
 * A well-formed request, the token that came with it (not verified yet), and the payload's requestedBy if any:
 * request-authorization.ts verifies the token and makes its subject the requester.
 */
export type Parsed = { ok: true; request: UnsignedRequest; authorization: string; claimedBy?: string } | Refused;

/** Never the token itself: a DLQ message or a log line quoting it would hand it to whoever reads them. */
function tokenRefusal(json: unknown): Refused | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const token = (json as { authorization?: unknown }).authorization;
  const why =
    token === undefined
      ? 'the message has no authorization token'
      : !compactJwt.safeParse(token).success
        ? 'authorization is not a JWT (header.payload.signature, without "Bearer ")'
        : undefined;
  if (!why) return undefined;
  return {
    ok: false,
    code: 'UNAUTHENTICATED',
    message: `${why}: sign each request with a token from the identity issuer (audience tenant-deletion-api)`,
    issues: [],
  };
}

/**
 * Validates one Kafka record, cheapest checks first: size, JSON, a token present, the contract's shape, the keys.
 * An unsigned message is UNAUTHENTICATED whatever else is wrong with it; the signature is verified later, once per
 * well-formed message (request-authorization.ts).
 *
 * The request id is derived from the message, not made up, so that a redelivered message is the same request:
 * traceId + tenantId (+ serviceInstanceId for one instance). The tenant is part of it because upstream systems reuse
 * trace ids across tenants, and a request id (the services' Idempotency-Key, the ledger's key) must name one
 * tenant's request.
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
  const unsigned = tokenRefusal(json);
  if (unsigned) return unsigned;
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
  const signed = {
    ok: true as const,
    authorization: message.authorization,
    // What the sender wrote is only a claim: the token's subject replaces it once verified.
    ...(payload.requestedBy ? { claimedBy: payload.requestedBy } : {}),
  };
  const base = {
    tenantId: payload.tenantId,
    traceId: message.traceId,
    gdprMode: payload.gdprMode,
    dryRun: payload.dryRun,
    requestedAt: payload.timestamp,
  };
  if ('serviceInstanceId' in payload) {
    return {
      ...signed,
      request: {
        ...base,
        requestId: `${message.traceId}:${payload.tenantId}:${payload.serviceInstanceId}`,
        instances: [payload.serviceInstanceId],
      },
    };
  }
  return {
    ...signed,
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
