import { registryErasure } from '../../activities/certificate-issuer';
import { certifiedRegistrySchema } from '@tenant-deletion/contract';

describe('registryErasure: what the certificate states from the registry answer', () => {
  it('states "not-found", with nothing deleted and no PII erased, when the registry answered 404', () => {
    expect(registryErasure({ found: false })).toEqual({
      tenantRecord: 'not-found',
      tenantRecordDeleted: false,
      piiErased: false,
    });
  });

  it('states "deleted" with piiErased as the registry answered it', () => {
    expect(registryErasure({ found: true, piiErased: true })).toEqual({
      tenantRecord: 'deleted',
      tenantRecordDeleted: true,
      piiErased: true,
    });
    expect(registryErasure({ found: true, piiErased: false })).toEqual({
      tenantRecord: 'deleted',
      tenantRecordDeleted: true,
      piiErased: false,
    });
  });

  it('states "kept" when the registry was not asked', () => {
    expect(registryErasure(null)).toEqual({ tenantRecord: 'kept', tenantRecordDeleted: false, piiErased: false });
  });

  it('every statement it makes passes the certificate schema', () => {
    for (const answer of [null, { found: false as const }, { found: true as const, piiErased: true }]) {
      expect(certifiedRegistrySchema.safeParse(registryErasure(answer)).success).toBe(true);
    }
  });
});
