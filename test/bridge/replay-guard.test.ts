import { refuseEnded, refuseStale, ledgerKey } from '../../client/bridge/replay-guard';
import type { Authorized } from '../../client/bridge/request-authorization';
import type { RequestLedgerState } from '../../db/ledger';

const NOW = Date.parse('2026-02-14T12:00:00Z');
const HOUR = 3_600_000;

function request(requestedAt: string | undefined, requestId = 't-1:tenant-1'): Authorized {
  return {
    ok: true,
    basis: 'owner',
    request: {
      requestId,
      tenantId: 'tenant-1',
      requestedBy: 'admin-1',
      traceId: 't-1',
      gdprMode: false,
      dryRun: false,
      ...(requestedAt ? { requestedAt } : {}),
    },
  };
}

function ledgerState(statuses: RequestLedgerState['statuses'], ended: boolean): RequestLedgerState {
  return {
    tenantId: 'tenant-1',
    requestId: 't-1:tenant-1',
    statuses,
    ended,
    lastChange: new Date('2026-02-14T11:00:00Z'),
  };
}

describe('refuseStale', () => {
  it('passes a request exactly REQUEST_MAX_AGE_HOURS old, and one from the future', () => {
    const atHorizon = request(new Date(NOW - 72 * HOUR).toISOString());
    expect(refuseStale(atHorizon, 72, NOW)).toBe(atHorizon);
    const ahead = request(new Date(NOW + HOUR).toISOString());
    expect(refuseStale(ahead, 72, NOW)).toBe(ahead);
  });

  it('refuses a request one millisecond past REQUEST_MAX_AGE_HOURS as STALE, naming its id, age and the horizon', () => {
    const refused = refuseStale(request(new Date(NOW - 72 * HOUR - 1).toISOString()), 72, NOW);
    expect(refused).toMatchObject({ ok: false, code: 'STALE', issues: [] });
    expect(!refused.ok && refused.message).toMatch(
      /^request t-1:tenant-1 was made at .*, 72 h ago, past REQUEST_MAX_AGE_HOURS \(72\)/,
    );
  });

  it('compares timestamps with a zone offset by the instant they name', () => {
    // 2026-02-11T14:00:00+02:00 is 12:00Z: 72 h before NOW, on the horizon.
    expect(refuseStale(request('2026-02-11T14:00:00+02:00'), 72, NOW).ok).toBe(true);
    expect(refuseStale(request('2026-02-11T13:59:59+02:00'), 72, NOW).ok).toBe(false);
  });

  it('leaves a refused message and a request without a timestamp as they are', () => {
    const invalid: Authorized = { ok: false, code: 'INVALID_JSON', message: 'not JSON', issues: [] };
    expect(refuseStale(invalid, 72, NOW)).toBe(invalid);
    const undated = request(undefined);
    expect(refuseStale(undated, 1, NOW)).toBe(undated);
  });
});

describe('refuseEnded', () => {
  const parsed = request('2026-02-14T10:00:00Z');

  it('hands over a request the ledger does not hold', () => {
    expect(refuseEnded(parsed, new Map())).toBe(parsed);
  });

  it('hands over a request whose deletion is still open, for the workflow to absorb', () => {
    const open = ledgerState({ COMPLETED: 1, IN_PROGRESS: 1 }, false);
    expect(refuseEnded(parsed, new Map([[ledgerKey(open), open]]))).toBe(parsed);
  });

  it('refuses a request whose deletion ended as DUPLICATE, naming the request id and its ledger status', () => {
    const ended = ledgerState({ COMPLETED: 2, FAILED: 1 }, true);
    const refused = refuseEnded(parsed, new Map([[ledgerKey(ended), ended]]));
    expect(refused).toMatchObject({ ok: false, code: 'DUPLICATE', issues: [] });
    expect(!refused.ok && refused.message).toContain(
      'request t-1:tenant-1 of tenant tenant-1 already ran: the ledger has it ended (COMPLETED ×2, FAILED ×1, last change 2026-02-14T11:00:00.000Z)',
    );
  });

  it("matches the ledger by tenant and request id: another tenant's request with the same id is not a duplicate", () => {
    const elsewhere = { ...ledgerState({ COMPLETED: 1 }, true), tenantId: 'tenant-2' };
    expect(refuseEnded(parsed, new Map([[ledgerKey(elsewhere), elsewhere]]))).toBe(parsed);
  });
});
