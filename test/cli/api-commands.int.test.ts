/**
 * Who asks, end to end: `tdel delete|cancel|approve` spawned as a process, through the deletion API in process,
 * the real tenant registry (members) and the local development identity issuer's key (api-fixture.ts), against a
 * private Temporal dev server whose workers run the fake fleet's activities with an approval threshold of 5
 * records, so that every deletion is held until an operator approves it.
 */
import { randomUUID } from 'node:crypto';
import { progressQuery } from '@tenant-deletion/client';
import { tenantWorkflowId } from '@tenant-deletion/contract';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { loadDevIdentityIssuer, LOCAL_IDENTITY_ISSUER } from '../../client/authorization/dev-identity-issuer';
import { signedToken } from '../api/api-tokens';
import { devToken, startCliApi, type CliApi } from './api-fixture';
import { json, looksLikeCrash, tdel } from './run-tdel';

jest.setTimeout(120_000);

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
let api: CliApi;
beforeAll(async () => {
  harness = await startTestEnvironment();
  harness.fleet.guardRails = { approvalThresholdRecords: 5, gracePeriodSeconds: 0 };
  api = await startCliApi(harness.client);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await harness?.teardown();
});

/** tdel against this test's API and Temporal, with the given token (or none: then it signs one for --as). */
function cli(args: string[], token?: string) {
  return tdel(args, {
    env: {
      TEMPORAL_ADDRESS: harness.env.address,
      TDEL_API_URL: api.url,
      TDEL_TOKEN: token,
      TDEL_USER: undefined,
      AUTH_ISSUER: undefined,
      AUTH_JWKS_URL: undefined,
    },
  });
}

const newTenant = () => `cli-api-${randomUUID().slice(0, 8)}`;

async function heldFor(tenantId: string) {
  const handle = harness.client.workflow.getHandle(tenantWorkflowId(tenantId));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const progress = await handle.query(progressQuery).catch(() => undefined);
    if (progress?.status === 'AWAITING_APPROVAL') return { handle, progress };
    if (Date.now() > deadline) throw new Error(`${tenantId} never held for approval`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('tdel through the deletion API', () => {
  it("an owner's delete is requested as the owner; the owner cannot approve it; a second operator does, and both are recorded for the certificate", async () => {
    const tenantId = newTenant();
    const owner = `owner-${randomUUID().slice(0, 6)}`;
    await api.register(tenantId, { [owner]: 'owner' });
    harness.fleet.addTenant(tenantId, [['db-1']]);
    const ownerToken = await devToken(owner);

    const requested = await cli(['delete', tenantId, '--reason', 'contract-ended', '--json'], ownerToken);
    expect(looksLikeCrash(requested.stderr)).toBe(false);
    expect(requested.code).toBe(0);
    // A token was given: tdel signed none.
    expect(requested.stderr).not.toContain('development token');
    const document = json<{ requestId: string; workflowId: string; requestedBy: string }>(requested);
    expect(document).toMatchObject({ workflowId: `tenant-deletion:${tenantId}`, requestedBy: owner });
    expect(document.requestId).toMatch(new RegExp(`^api-[0-9a-f-]{36}:${tenantId}$`));

    const { handle, progress } = await heldFor(tenantId);
    // requestedBy is the token's subject, as the workflow recorded it.
    expect(progress.requests).toEqual([
      expect.objectContaining({ requestId: document.requestId, requestedBy: owner, status: 'AWAITING_APPROVAL' }),
    ]);

    // The requester may not approve: an owner is no operator, and exit 1 prints the API's reason.
    const byOwner = await cli(['approve', tenantId], ownerToken);
    expect(byOwner.code).toBe(1);
    expect(byOwner.stderr).toContain(`error: approve refused: subject ${owner} has no operator role`);
    expect(byOwner.stdout).toBe('');
    expect((await handle.query(progressQuery)).status).toBe('AWAITING_APPROVAL');

    // A second person, an operator: tdel signs its development token for --as, and says so.
    const approved = await cli(['approve', tenantId, '--as', 'operator-2', '--json']);
    expect(approved.code).toBe(0);
    expect(approved.stderr).toContain(
      'note: no --token or TDEL_TOKEN: signed a local development token for operator-2 (role operator',
    );
    expect(json(approved)).toMatchObject({
      tenantId,
      update: 'approveDeletion',
      approvedBy: 'operator-2',
      requests: [{ requestId: document.requestId, from: 'AWAITING_APPROVAL' }],
    });
    expect((await handle.result()).status).toBe('COMPLETED');

    // What finalizeTenant was given, and so what the certificate states: the owner asked, operator-2 approved.
    const finalized = harness.fleet.finalizations.find((input) => input.tenantId === tenantId);
    expect(finalized?.requests).toEqual([
      expect.objectContaining({ requestId: document.requestId, requestedBy: owner, approvedBy: 'operator-2' }),
    ]);
  });

  it('an operator may not approve its own request (four eyes): exit 1 with the reason', async () => {
    const tenantId = newTenant();
    await api.register(tenantId);
    harness.fleet.addTenant(tenantId, [['db-1']]);

    const requested = await cli(['delete', tenantId, '--as', 'operator-1']);
    expect(requested.code).toBe(0);
    expect(requested.stdout).toContain('  as        operator-1');
    const { handle } = await heldFor(tenantId);

    const self = await cli(['approve', tenantId, '--as', 'operator-1']);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain(
      'error: approve refused: subject operator-1 requested this deletion and may not approve it',
    );
    expect((await handle.query(progressQuery)).status).toBe('AWAITING_APPROVAL');

    // The owner-less tenant's deletion can still be cancelled by the operator who asked.
    const cancelled = await cli(['cancel', tenantId, '--as', 'operator-1', '--json']);
    expect(cancelled.code).toBe(0);
    expect(json(cancelled)).toMatchObject({ update: 'cancelDeletion' });
    expect((await handle.result()).status).toBe('CANCELLED');
  });

  it('refuses, with the reason, a member, a bad token and an unknown tenant; deletes nothing', async () => {
    const tenantId = newTenant();
    await api.register(tenantId, { 'member-1': 'member' });
    harness.fleet.addTenant(tenantId, [['db-1']]);

    const member = await cli(['delete', tenantId], await devToken('member-1'));
    expect(member.code).toBe(1);
    expect(member.stderr).toContain('error: delete refused: subject member-1');
    expect(member.stderr).toContain("only the tenant's owner or admin, or an operator, may delete it");

    // Signed by the right key for an operator, but an hour past its exp.
    const issuer = await loadDevIdentityIssuer();
    const stale = await signedToken(
      { issuer: LOCAL_IDENTITY_ISSUER, privateKey: issuer.privateKey, kid: issuer.publicJwk.kid },
      { subject: 'operator-1', roles: ['operator'], expiresIn: -3600 },
    );
    const expired = await cli(['retry', tenantId], stale);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('error: the deletion API did not accept the token: token expired');
    expect(expired.stderr).not.toContain(stale);

    const [header, payload, signature] = (await devToken('member-1')).split('.');
    // The member's own token, made an operator's after it was signed.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['operator'] })).toString('base64url');
    const tampered = await cli(['delete', tenantId, '--json'], [header, forged, signature].join('.'));
    expect(tampered.code).toBe(1);
    expect(json<{ error: { code: string; message: string } }>(tampered).error).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'the deletion API did not accept the token: token signature invalid',
    });

    const unknown = await cli(['delete', newTenant(), '--as', 'operator-1']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('is not registered in the tenant registry');

    expect(harness.fleet.callsOf(tenantId)).toHaveLength(0);
    await expect(harness.client.workflow.getHandle(tenantWorkflowId(tenantId)).describe()).rejects.toThrow();
  });
});
