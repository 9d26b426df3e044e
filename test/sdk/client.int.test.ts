import { randomUUID } from 'node:crypto';
import type { TenantSummary } from '@tenant-deletion/contract';
import {
  deletionHandle,
  followDeletion,
  parsePublicKey,
  publicKeyPem,
  readProgress,
  requestDeletion,
  verifyCertificate,
} from '@tenant-deletion/client';
import { document, sealedChain, testSigner } from '../certificates/certificate-fixtures';
import { adminRequest } from '../workflows/fake-fleet';
import { startTestEnvironment } from '../workflows/temporal-test-env';
import { until } from '../until';

/**
 * The client package as another service uses it, against a real Temporal server and worker (the workflow tests'
 * harness, whose activities are the fake fleet): request a deletion, watch it run, get its result; and verify a
 * certificate with nothing but its JSON and the issuer's public key in PEM.
 */

let harness: Awaited<ReturnType<typeof startTestEnvironment>>;
beforeAll(async () => {
  harness = await startTestEnvironment();
}, 120_000);
afterAll(() => harness?.teardown());

it('requests a deletion, follows it while it runs and returns its result', async () => {
  const tenantId = `sdk-${randomUUID().slice(0, 8)}`;
  harness.fleet.addTenant(tenantId, [['app-1', ['db-1']], ['db-1']]);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  harness.fleet.behave(tenantId, 'app-1', async () => {
    await released;
    return { orders: 3 };
  });

  await requestDeletion(harness.client, adminRequest(tenantId));
  const handle = deletionHandle(harness.client, tenantId);
  await until(
    async () => (await readProgress(handle)).instances.some((i) => i.status === 'IN_PROGRESS'),
    'app-1 in progress',
  );
  const summaries: TenantSummary[] = [];
  const result = await followDeletion(harness.client, tenantId, {
    intervalMs: 50,
    onSummary: (summary) => {
      summaries.push(summary);
      release();
    },
  });

  expect(summaries[0]).toMatchObject({ status: 'IN_PROGRESS', totals: { IN_PROGRESS: 1, PENDING: 1 } });
  expect(result.status).toBe('COMPLETED');
  expect(result.instances.map((i) => [i.serviceInstanceId, i.status, i.deletedCounts]).sort()).toEqual([
    ['app-1', 'COMPLETED', { orders: 3 }],
    ['db-1', 'COMPLETED', expect.any(Object)],
  ]);
});

it("verifies a certificate from its JSON and the issuer's public key, and refuses an edited one", () => {
  const signer = testSigner();
  const [sealed] = sealedChain(signer, 1);
  const publicKey = parsePublicKey(publicKeyPem(signer.publicKey), 'the issuer key');

  expect(verifyCertificate(JSON.parse(JSON.stringify(document(sealed))), publicKey).valid).toBe(true);
  const edited = document(sealed);
  edited.body = { ...edited.body, tenantId: 'someone-else' };
  const report = verifyCertificate(edited, publicKey);
  expect(report.valid).toBe(false);
  expect(report.checks.filter((check) => !check.ok).map((check) => check.check)).toContain('body hash');
});
