import { requestId } from '@tenant-deletion/contract';
import { ApiError } from '../../client/api/api-errors';
import { requestIdFor, tenantOfRequestId, traceIdFor } from '../../client/api/request-identity';

const base = { tenantId: 'tenant-12345', subject: 'alice', kind: 'whole-tenant' as const };

describe('request ids of the deletion API', () => {
  it('are new for every call without an Idempotency-Key, and obey the contract', () => {
    const first = requestIdFor(base);
    const second = requestIdFor(base);
    expect(first).not.toBe(second);
    expect(requestId.safeParse(first).success).toBe(true);
    expect(first).toMatch(/^api-[0-9a-f-]{36}:tenant-12345$/);
  });

  it('are the same for the same Idempotency-Key, subject, tenant and kind, and differ when any differs', () => {
    const keyed = requestIdFor({ ...base, idempotencyKey: 'k-1' });
    expect(requestIdFor({ ...base, idempotencyKey: 'k-1' })).toBe(keyed);
    const others = [
      requestIdFor({ ...base, idempotencyKey: 'k-2' }),
      requestIdFor({ ...base, subject: 'mallory', idempotencyKey: 'k-1' }),
      requestIdFor({ ...base, tenantId: 'tenant-9', idempotencyKey: 'k-1' }),
      requestIdFor({ ...base, kind: 'instances', idempotencyKey: 'k-1' }),
    ];
    expect(new Set([keyed, ...others]).size).toBe(5);
    expect(keyed).toMatch(/^api-[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:tenant-12345$/);
  });

  it.each([[''], ['has space'], ['x'.repeat(256)], [['a', 'b']]])('refuse the Idempotency-Key %j with 400', (key) => {
    expect(() => requestIdFor({ ...base, idempotencyKey: key })).toThrow(
      expect.objectContaining({ status: 400, code: 'INVALID_IDEMPOTENCY_KEY' }),
    );
  });

  it('name their tenant, and only theirs', () => {
    expect(tenantOfRequestId(requestIdFor({ ...base, tenantId: 'a:b.c' }))).toBe('a:b.c');
    expect(tenantOfRequestId('trace-1:tenant-12345')).toBeUndefined();
    expect(tenantOfRequestId(`api-${'0'.repeat(36)}:tenant`)).toBeUndefined();
  });
});

describe('trace ids of the deletion API', () => {
  it("keep the caller's X-Trace-Id, make one when none is sent, and refuse a malformed one", () => {
    expect(traceIdFor('trace-uuid-999')).toBe('trace-uuid-999');
    expect(traceIdFor(undefined)).toMatch(/^api-[0-9a-f-]{36}$/);
    for (const bad of ['a b', 'x'.repeat(65), ['t1', 't2']]) {
      expect(() => traceIdFor(bad)).toThrow(ApiError);
      expect(() => traceIdFor(bad)).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_TRACE_ID' }));
    }
  });
});
