import fc from 'fast-check';
import { TOPICS } from '@tenant-deletion/contract';
import { parseRequest } from '../../client/bridge/request-messages';
import { fuzzSeed } from '../fuzz-seed';

const LIMIT = 65_536;
/** Shaped like a JWT; whether it verifies is request-authorization.ts's business, not the parser's. */
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZG1pbi11c2VyLXV1aWQifQ.c2lnbmF0dXJl';
const whole = {
  traceId: 't-1',
  key: 'tenant-12345',
  authorization: TOKEN,
  payload: {
    tenantId: 'tenant-12345',
    requestedBy: 'admin-user-uuid',
    timestamp: '2026-02-11T12:00:00Z',
    gdprMode: true,
    dryRun: false,
    reason: 'contract-ended',
  },
};
const instance = {
  traceId: 'trace-uuid-999',
  key: 'tenant-12345',
  authorization: TOKEN,
  payload: {
    tenantId: 'tenant-12345',
    serviceType: 'cloud-storage',
    serviceInstanceId: 'srv-abc-001',
    requestedBy: 'admin-user-uuid',
    timestamp: '2026-02-11T12:00:00Z',
    gdprMode: false,
  },
};
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseRequest', () => {
  it('turns the contract example messages into requests with derived ids, their token and the claimed requester', () => {
    expect(parseRequest(TOPICS.tenantDeletionRequest, 'tenant-12345', bytes(whole), LIMIT)).toEqual({
      ok: true,
      authorization: TOKEN,
      claimedBy: 'admin-user-uuid',
      request: {
        requestId: 't-1:tenant-12345',
        tenantId: 'tenant-12345',
        traceId: 't-1',
        gdprMode: true,
        dryRun: false,
        requestedAt: '2026-02-11T12:00:00Z',
        reason: 'contract-ended',
      },
    });
    expect(parseRequest(TOPICS.serviceDeletionRequest, 'tenant-12345', bytes(instance), LIMIT)).toEqual({
      ok: true,
      authorization: TOKEN,
      claimedBy: 'admin-user-uuid',
      request: {
        requestId: 'trace-uuid-999:tenant-12345:srv-abc-001',
        tenantId: 'tenant-12345',
        traceId: 'trace-uuid-999',
        gdprMode: false,
        dryRun: false,
        requestedAt: '2026-02-11T12:00:00Z',
        instances: ['srv-abc-001'],
      },
    });
  });

  it('takes a message without requestedBy: the token says who asks', () => {
    const { requestedBy: _claimed, ...payload } = whole.payload;
    const parsed = parseRequest(TOPICS.tenantDeletionRequest, 'tenant-12345', bytes({ ...whole, payload }), LIMIT);
    expect(parsed).toMatchObject({ ok: true, authorization: TOKEN });
    expect(parsed).not.toHaveProperty('claimedBy');
  });

  it.each([
    ['not JSON', TOPICS.tenantDeletionRequest, 'tenant-12345', '{oops', 'INVALID_JSON'],
    [
      'no token',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, authorization: undefined },
      'UNAUTHENTICATED',
    ],
    [
      'no token, whatever else is wrong',
      TOPICS.tenantDeletionRequest,
      'tenant-99',
      { ...whole, authorization: undefined, payload: { ...whole.payload, gdprMode: 'true' }, extra: 1 },
      'UNAUTHENTICATED',
    ],
    [
      'an empty token',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, authorization: '' },
      'UNAUTHENTICATED',
    ],
    [
      'a token with its Bearer prefix',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, authorization: `Bearer ${TOKEN}` },
      'UNAUTHENTICATED',
    ],
    [
      'a token that is not a JWT',
      TOPICS.serviceDeletionRequest,
      'tenant-12345',
      { ...instance, authorization: 'let-me-in' },
      'UNAUTHENTICATED',
    ],
    [
      'a token that is not a string',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, authorization: { sub: 'x' } },
      'UNAUTHENTICATED',
    ],
    ['an array', TOPICS.tenantDeletionRequest, 'tenant-12345', [whole], 'INVALID_MESSAGE'],
    [
      'a string gdprMode',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, payload: { ...whole.payload, gdprMode: 'true' } },
      'INVALID_MESSAGE',
    ],
    [
      'a timestamp without zone',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, payload: { ...whole.payload, timestamp: '2026-02-11T12:00:00' } },
      'INVALID_MESSAGE',
    ],
    [
      'an injection in an id',
      TOPICS.serviceDeletionRequest,
      'tenant-12345',
      { ...instance, payload: { ...instance.payload, serviceInstanceId: "x'; DROP TABLE t;--" } },
      'INVALID_MESSAGE',
    ],
    [
      'an upper-case serviceType',
      TOPICS.serviceDeletionRequest,
      'tenant-12345',
      { ...instance, payload: { ...instance.payload, serviceType: 'Orders' } },
      'INVALID_MESSAGE',
    ],
    [
      'a missing field',
      TOPICS.serviceDeletionRequest,
      'tenant-12345',
      { ...instance, payload: { ...instance.payload, gdprMode: undefined } },
      'INVALID_MESSAGE',
    ],
    ['an unknown field', TOPICS.tenantDeletionRequest, 'tenant-12345', { ...whole, extra: 1 }, 'INVALID_MESSAGE'],
    ['a Kafka key for another tenant', TOPICS.tenantDeletionRequest, 'tenant-99', whole, 'KEY_MISMATCH'],
    [
      'an envelope key for another tenant',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, key: 'tenant-99' },
      'KEY_MISMATCH',
    ],
    [
      'an oversized message',
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      { ...whole, pad: 'x'.repeat(LIMIT) },
      'TOO_LARGE',
    ],
  ] as const)('refuses %s as %s', (_what, topic, key, value, code) => {
    const parsed = parseRequest(topic, key, bytes(value), LIMIT);
    expect(parsed).toMatchObject({ ok: false, code });
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(0);
  });

  it('never quotes a token it refuses', () => {
    const parsed = parseRequest(
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      bytes({ ...whole, authorization: `Bearer ${TOKEN}` }),
      LIMIT,
    );
    expect(parsed).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(JSON.stringify(parsed)).not.toContain(TOKEN.split('.')[1]);
  });

  it('names the failing field in the message', () => {
    const parsed = parseRequest(
      TOPICS.tenantDeletionRequest,
      'tenant-12345',
      bytes({ ...whole, payload: { ...whole.payload, gdprMode: 1 } }),
      LIMIT,
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/^payload\.gdprMode: /);
  });

  it.each([
    ['the payload', { ...whole, payload: { ...whole.payload, dryrun: true } }, 'payload', 'dryrun'],
    ['the envelope', { ...whole, gdprMode: true }, '(message)', 'gdprMode'],
  ])(
    'refuses an unknown field in %s, naming it, so that a misspelled flag never passes',
    (_where, value, at, field) => {
      const parsed = parseRequest(TOPICS.tenantDeletionRequest, 'tenant-12345', bytes(value), LIMIT);
      expect(parsed).toMatchObject({
        ok: false,
        code: 'INVALID_MESSAGE',
        message: `${at}: Unrecognized key: "${field}"`,
        issues: [{ code: 'unrecognized_keys', path: at === 'payload' ? ['payload'] : [] }],
      });
    },
  );

  it('never throws and never accepts arbitrary bytes or JSON', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(TOPICS.tenantDeletionRequest, TOPICS.serviceDeletionRequest),
        fc.option(fc.string(), { nil: null }),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.json().map((j) => Buffer.from(j)),
        ),
        (topic, key, value) => {
          const parsed = parseRequest(topic, key, value, LIMIT);
          return parsed.ok === false || parsed.request.tenantId === key;
        },
      ),
      { numRuns: 2_000, seed: fuzzSeed('parseRequest with random messages') },
    );
  });
});
