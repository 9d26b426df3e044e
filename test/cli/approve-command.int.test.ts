/**
 * `tdel approve` through the deletion API in process (api-fixture.ts: the real registry, the local development
 * issuer's key) against a private Temporal dev server (the stack's temporal binary) whose workers run the fake
 * fleet's activities, with an approval threshold of 5 records so that every deletion is held. The requests are
 * started directly (requestedBy admin-1); the approver is the subject of the development token tdel signs for --as.
 */
import { randomUUID } from 'node:crypto';
import { requestDeletion, progressQuery } from '@tenant-deletion/client';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { startCliApi, type CliApi } from './api-fixture';
import { json, tdel as run } from './run-tdel';

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

const tdel = (args: string[]) =>
  run(args, {
    env: {
      TEMPORAL_ADDRESS: harness.env.address,
      TDEL_API_URL: api.url,
      TDEL_TOKEN: undefined,
      TDEL_USER: undefined,
      AUTH_ISSUER: undefined,
    },
  });

/** A one-instance deletion requested by admin-1, held for approval. */
async function heldDeletion() {
  const tenantId = `cli-approve-${randomUUID().slice(0, 8)}`;
  await api.register(tenantId);
  harness.fleet.addTenant(tenantId, [['db-1']]);
  const requestId = `r-${randomUUID()}`;
  const handle = await requestDeletion(harness.client, {
    requestId,
    tenantId,
    requestedBy: 'admin-1',
    traceId: `trace-${tenantId}`,
    gdprMode: false,
    dryRun: false,
  });
  const deadline = Date.now() + 20_000;
  while ((await handle.query(progressQuery)).status !== 'AWAITING_APPROVAL') {
    if (Date.now() > deadline) throw new Error(`${tenantId} never held`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { tenantId, requestId, handle };
}

describe('tdel approve', () => {
  it('refuses a self-approval and an unknown request, releases a held deletion naming the approver, then exits 3 once it ended', async () => {
    const { tenantId, requestId, handle } = await heldDeletion();

    // Four eyes: the requester may not approve its own deletion.
    const self = await tdel(['approve', tenantId, '--as', 'admin-1']);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain(
      'error: approve refused: subject admin-1 requested this deletion and may not approve it: another operator must (four eyes)',
    );
    expect(self.stdout).toBe('');

    const unknown = await tdel(['approve', tenantId, '--request', 'r-nope', '--as', 'boss-7']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`it has no request r-nope (it has ${requestId})`);
    expect(unknown.stderr).toContain('error: approve refused: ');

    const malformed = await tdel(['approve', tenantId, '--request', 'not an id', '--as', 'boss-7']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('invalid approval: requestIds.0 must be 1-200 characters');

    expect((await handle.query(progressQuery)).status).toBe('AWAITING_APPROVAL');

    const approved = await tdel(['approve', tenantId, '--as', 'boss-7', '--json']);
    expect(approved.code).toBe(0);
    expect(json(approved)).toEqual({
      tenantId,
      workflowId: `tenant-deletion:${tenantId}`,
      update: 'approveDeletion',
      webUiUrl: `http://localhost:8233/namespaces/default/workflows/tenant-deletion:${tenantId}`,
      approvedBy: 'boss-7',
      instances: expect.any(Array),
      requests: [{ requestId, from: 'AWAITING_APPROVAL', to: expect.stringMatching(/^(PENDING|IN_PROGRESS)$/) }],
    });
    expect((await handle.result()).status).toBe('COMPLETED');
    // The certificate's statement, as finalizeTenant was given it: who asked, and who approved.
    expect(harness.fleet.finalizations.find((input) => input.tenantId === tenantId)?.requests).toEqual([
      expect.objectContaining({ requestId, requestedBy: 'admin-1', approvedBy: 'boss-7' }),
    ]);

    const again = await tdel(['approve', tenantId, '--as', 'boss-7']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(
      `the deletion of tenant ${tenantId} has already ended (COMPLETED): nothing to approve`,
    );
  });

  it('prints what the approval changed, per request', async () => {
    const { tenantId, requestId, handle } = await heldDeletion();
    const approved = await tdel(['approve', tenantId, '--request', requestId, '--as', 'boss-7']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(
      `approveDeletion on tenant-deletion:${tenantId} (requests ${requestId}, as boss-7): `,
    );
    expect(approved.stdout).toMatch(new RegExp(`${requestId}\\s+AWAITING_APPROVAL\\s+(PENDING|IN_PROGRESS)`));
    expect((await handle.result()).status).toBe('COMPLETED');
  });
});
