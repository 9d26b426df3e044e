/** What the certificate states about who asked and who approved, from finalizeTenant's input (no database). */
import { certificateBodySchema, CERTIFICATE_VERSION, GENESIS_HASH } from '@tenant-deletion/contract';
import { certificateDraft, registryErasure } from '../../activities/certificate-issuer';
import type { FinalizeInput } from '../../activities/finalize-input';

const input = (requests: FinalizeInput['requests']): FinalizeInput => ({
  tenantId: 't-1',
  traceId: 'trace-1',
  gdprMode: false,
  deleteTenantRecord: true,
  runKey: 'run:1',
  requests,
  instances: [],
  startedAt: '2026-02-11T12:00:00.000Z',
});

const request = (requestId: string, extra: Partial<FinalizeInput['requests'][number]> = {}) => ({
  requestId,
  requestedBy: 'owner-1',
  gdprMode: false,
  reason: null,
  wholeTenant: true,
  ...extra,
});

describe('certificateDraft', () => {
  it('names the verified requester of each request, and the approver only of a request that was held', () => {
    const draft = certificateDraft(
      input([request('r-2', { approvedBy: 'operator-2' }), request('r-1')]),
      registryErasure(null),
      new Date('2026-02-11T12:00:05.000Z'),
    );
    expect(draft.requests).toEqual([
      { requestId: 'r-1', requestedBy: 'owner-1', gdprMode: false, wholeTenant: true, reason: null },
      {
        requestId: 'r-2',
        requestedBy: 'owner-1',
        approvedBy: 'operator-2',
        gdprMode: false,
        wholeTenant: true,
        reason: null,
      },
    ]);
    // The body the store seals from it passes the contract's schema.
    const body = {
      version: CERTIFICATE_VERSION,
      certificateId: '1d0b8f59-4d53-49f4-9a05-554b05421575',
      sequence: 1,
      previousHash: GENESIS_HASH,
      issuedAt: '2026-02-11T12:00:05.000Z',
      ...draft,
    };
    expect(certificateBodySchema.parse(body)).toEqual(body);
  });
});
