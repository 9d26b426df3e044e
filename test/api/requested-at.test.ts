import { instanceDeletionBodySchema, wholeTenantDeletionBodySchema } from '../../client/api/api-schemas';

describe('a deletion body’s requestedAt', () => {
  it('takes an earlier time, so a GDPR request received by another channel keeps its due date', () => {
    const body = wholeTenantDeletionBodySchema.parse({ gdprMode: true, requestedAt: '2026-11-02T09:00:00Z' });
    expect(body.requestedAt).toBe('2026-11-02T09:00:00Z');
  });

  it('refuses a time in the future, which would postpone the due date', () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const parsed = instanceDeletionBodySchema.safeParse({ instances: ['app-1'], requestedAt: later });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toBe('must not be in the future');
  });

  it('refuses what is not a timestamp with a zone', () => {
    expect(wholeTenantDeletionBodySchema.safeParse({ requestedAt: '2026-11-02 09:00' }).success).toBe(false);
  });
});
