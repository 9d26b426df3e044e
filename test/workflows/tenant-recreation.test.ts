import type { DeletionRequest } from '@tenant-deletion/contract';
import { needsCreationCheck, olderThanTenant } from '../../workflows/tenant-recreation';

const request = (requestedAt?: string): DeletionRequest => ({
  requestId: 'r-1',
  tenantId: 'tenant-1',
  requestedBy: 'admin-1',
  traceId: 'trace-1',
  gdprMode: false,
  dryRun: false,
  ...(requestedAt ? { requestedAt } : {}),
});

describe('olderThanTenant', () => {
  it('refuses a request made before the tenant was (re)created, naming both times', () => {
    const verdict = olderThanTenant('tenant-1', request('2026-02-11T12:00:00Z'), {
      createdAt: '2026-03-01T08:00:00.000Z',
    });
    expect(verdict).toEqual({ accepted: false, reason: expect.stringContaining('2026-02-11T12:00:00Z') });
    expect(verdict?.reason).toContain('2026-03-01T08:00:00.000Z');
    expect(verdict?.reason).toMatch(/older than tenant tenant-1's \(re\)creation/);
  });

  it('compares instants, not text: a request at the same instant in another zone may go on', () => {
    expect(
      olderThanTenant('tenant-1', request('2026-03-01T09:00:00+01:00'), { createdAt: '2026-03-01T08:00:00.000Z' }),
    ).toBeNull();
    expect(
      olderThanTenant('tenant-1', request('2026-03-01T08:59:59+01:00'), { createdAt: '2026-03-01T08:00:00.000Z' }),
    ).not.toBeNull();
  });

  it('lets through a request made after the creation', () => {
    expect(
      olderThanTenant('tenant-1', request('2026-03-02T00:00:00Z'), { createdAt: '2026-03-01T08:00:00.000Z' }),
    ).toBeNull();
  });

  it('lets through a request without requestedAt, and any request for a tenant the registry does not know', () => {
    expect(olderThanTenant('tenant-1', request(), { createdAt: '2026-03-01T08:00:00.000Z' })).toBeNull();
    expect(olderThanTenant('tenant-1', request('2020-01-01T00:00:00Z'), { createdAt: null })).toBeNull();
  });

  it('refuses a dated request when the registry refused to answer, quoting the refusal', () => {
    const verdict = olderThanTenant('tenant-1', request('2026-02-11T12:00:00Z'), {
      refusal: 'tenant registry answered GET /tenants/tenant-1 with 403',
    });
    expect(verdict?.reason).toMatch(/cannot tell whether tenant tenant-1 was re-created.*with 403/);
  });
});

describe('needsCreationCheck', () => {
  it('is true only when some request says when it was made', () => {
    expect(needsCreationCheck([request(), request('2026-02-11T12:00:00Z')])).toBe(true);
    expect(needsCreationCheck([request(), request()])).toBe(false);
    expect(needsCreationCheck([])).toBe(false);
  });
});
