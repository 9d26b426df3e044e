/**
 * `tdel conformance` against the real thing: the fleet's orders service (the kit on the local stack's PostgreSQL, in
 * the e2e databases) with seeded data, answering 202 above 50 rows so that the Location is followed, fault knobs on
 * so that a 503 can be provoked. `tdel` runs as a process, as a service team would run it, signing with the local stack's
orchestrator and admin keys (the fleet trusts their JWKS).
 */
import type { RunningFleet } from '../../services/fleet/fleet';
import { conformanceReportSchema } from '../../client/cli/conformance/report';
import { previews, seedOn, startE2eFleet, uniqueTenant } from '../e2e/e2e-stack';
import { everyCheckPassesBut, statuses } from './conformance/expected-checks';
import { json, tdel } from './run-tdel';

jest.setTimeout(180_000);

let fleet: RunningFleet;
beforeAll(async () => {
  fleet = await startE2eFleet({ asyncThresholdRows: 50, singleTransactionMaxRows: 100, batchSize: 50 });
}, 180_000);
afterAll(() => fleet?.close());

it('passes every check against the orders service, deleting the seeded tenant', async () => {
  const tenantId = uniqueTenant('conformance');
  await seedOn(fleet, tenantId, 600, ['orders-1']);
  const seeded = (await previews(fleet, tenantId))['orders-1'];
  expect(seeded).toBeGreaterThan(50);
  const orders = fleet.instances.find((instance) => instance.serviceInstanceId === 'orders-1')!;

  const run = await tdel(
    [
      'conformance',
      orders.baseUrl,
      '--service-type',
      'orders',
      '--tenant',
      tenantId,
      '--yes',
      '--fault-knobs',
      '--json',
    ],
    { timeoutMs: 170_000 },
  );

  const report = conformanceReportSchema.parse(json(run));
  expect(statuses(report.checks)).toEqual(everyCheckPassesBut([]));
  expect([run.code, report.conforms, report.tenantId]).toEqual([0, true, tenantId]);
  // The refusals ran on the data and deleted none of it; the DELETE then took all of it.
  for (const id of ['token-missing', 'token-hs256', 'token-alg-none', 'token-wrong-scope', 'legal-hold'] as const) {
    expect([id, report.checks.find((check) => check.id === id)?.detail]).toEqual([
      id,
      expect.stringContaining(`unchanged (${seeded} rows)`),
    ]);
  }
  expect(report.checks.find((check) => check.id === 'async-location')?.detail).toContain(`${seeded} rows deleted`);
  expect((await previews(fleet, tenantId))['orders-1']).toBe(0);
});
