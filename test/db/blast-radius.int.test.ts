import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../common/config';
import { claimWholeTenantStart } from '../../db/blast-radius';
import { recordOutcome, recordPending, type LedgerOutcome } from '../../db/ledger';
import { ledgerEntry, ledgerOutcome } from './ledger-rows';

/**
 * The blast-radius cap on the local PostgreSQL (`whole_tenant_deletion_starts` and the ledger). The window is
 * shared with every earlier run's claims, so each cap is set relative to the starts already in it.
 */

const db = new pg.Pool({ connectionString: loadConfig().DATABASE_URL, max: 2 });
const run = randomUUID().slice(0, 8);
const WINDOW_HOURS = 24;
afterAll(() => db.end());

async function startsInWindow(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM whole_tenant_deletion_starts WHERE started_at > now() - make_interval(hours => $1)`,
    [WINDOW_HOURS],
  );
  return rows[0].n;
}

async function startedAt(requestId: string): Promise<{ started_at: Date; approved_by: string | null }> {
  const { rows } = await db.query(
    'SELECT started_at, approved_by FROM whole_tenant_deletion_starts WHERE request_id = $1',
    [requestId],
  );
  return rows[0];
}

function claim(tenantId: string, requestId: string, max: number, approvedBy?: string) {
  return claimWholeTenantStart(db, {
    requestId,
    tenantId,
    max,
    windowHours: WINDOW_HOURS,
    ...(approvedBy ? { approvedBy } : {}),
  });
}

/**
 * A whole-tenant request as its workflow admits it: its start claimed under a cap with room, one PENDING ledger row
 * per instance.
 */
async function admitted(name: string, instances: string[]): Promise<{ tenantId: string; requestId: string }> {
  const tenantId = `br-${name}-${run}`;
  const requestId = `tr-1:${tenantId}`;
  expect((await claim(tenantId, requestId, (await startsInWindow()) + 1)).allowed).toBe(true);
  await recordPending(
    db,
    instances.map((id) => ledgerEntry(tenantId, requestId, id)),
  );
  return { tenantId, requestId };
}

async function ended(
  { tenantId, requestId }: { tenantId: string; requestId: string },
  serviceInstanceId: string,
  status: LedgerOutcome['status'],
): Promise<void> {
  await recordOutcome(db, ledgerOutcome(tenantId, requestId, serviceInstanceId, status));
}

describe('claimWholeTenantStart', () => {
  it('allows a known claim again, past a full cap, while its deletion is still open (a retried activity)', async () => {
    const request = await admitted('open', ['app-1', 'db-1']);
    const { tenantId, requestId } = request;
    await ended(request, 'app-1', 'COMPLETED');
    const full = await startsInWindow();
    expect(await claim(tenantId, requestId, full)).toEqual({ allowed: true, startedInWindow: full });
    // The retry neither counted twice nor took a second row.
    expect(await startsInWindow()).toBe(full);
  });

  it('refuses a replayed request whose deletion ended when the cap is full: its old claim is no pass', async () => {
    const request = await admitted('ended', ['app-1', 'db-1']);
    const { tenantId, requestId } = request;
    await ended(request, 'app-1', 'COMPLETED');
    await ended(request, 'db-1', 'FAILED');
    const full = await startsInWindow();
    expect(await claim(tenantId, requestId, full)).toEqual({ allowed: false, startedInWindow: full });
  });

  it('counts an allowed replay of an ended request as a new start from now, and then allows its own retry', async () => {
    const request = await admitted('replay', ['app-1']);
    const { tenantId, requestId } = request;
    const first = await startedAt(requestId);
    await ended(request, 'app-1', 'COMPLETED');
    const before = await startsInWindow();
    expect(await claim(tenantId, requestId, before + 1)).toEqual({ allowed: true, startedInWindow: before });
    expect((await startedAt(requestId)).started_at.getTime()).toBeGreaterThan(first.started_at.getTime());
    // The replay's own claim, retried: taken after the deletion ended, so it stands, whatever the cap.
    expect(await claim(tenantId, requestId, 0)).toEqual({ allowed: true, startedInWindow: before });
  });

  it("lets an admin's approval take a cancelled request's replay past a full cap, recording the approver", async () => {
    const request = await admitted('approved', ['app-1']);
    const { tenantId, requestId } = request;
    await ended(request, 'app-1', 'CANCELLED');
    expect((await claim(tenantId, requestId, 0, 'operator-1')).allowed).toBe(true);
    expect((await startedAt(requestId)).approved_by).toBe('operator-1');
  });

  it('allows a known claim whose request has no ledger row yet (the ledger write runs beside the claim)', async () => {
    const tenantId = `br-unrecorded-${run}`;
    const requestId = `tr-1:${tenantId}`;
    expect((await claim(tenantId, requestId, (await startsInWindow()) + 1)).allowed).toBe(true);
    expect(await claim(tenantId, requestId, 0)).toMatchObject({ allowed: true });
  });
});
