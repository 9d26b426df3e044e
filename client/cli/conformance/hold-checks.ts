import { CheckFailed } from './check-result';
import type { CheckTarget } from './check-target';
import { guardCounts } from './check-target';
import { describeAnswer, expectStatus } from './contract-answers';
import { freshId, type ServiceProbe } from './service-probe';

/**
 * A legal hold placed through the admin route with a `legal-hold:admin` token (the admin key): DELETE must answer 409
 * and delete nothing, and the hold must not be liftable with the deleting token (else whatever can delete could lift
 * the hold first). The hold is always lifted with the admin token, so a failed check does not leave the tenant
 * undeletable.
 */
export async function legalHoldCheck(probe: ServiceProbe, target: CheckTarget): Promise<string> {
  const holdUrl = probe.holdUrl(target.tenantId);
  const placed = await probe.send('PUT', holdUrl, { body: { reason: 'tdel conformance: a hold must stop deletion' } });
  if (placed.status < 200 || placed.status > 299) {
    throw new CheckFailed(`placing the hold: ${describeAnswer(`PUT ${holdUrl}`, placed)} (expected 2xx)`);
  }
  const outcome = await deleteUnderHold(probe, target).then(
    (detail) => ({ detail }),
    (error: unknown) => ({ error }),
  );
  const lifted = await probe.send('DELETE', holdUrl);
  if (lifted.status < 200 || lifted.status > 299) {
    const found = 'error' in outcome && outcome.error instanceof CheckFailed ? `${outcome.error.message}; ` : '';
    throw new CheckFailed(`${found}lifting the hold: ${describeAnswer(`DELETE ${holdUrl}`, lifted)} (expected 2xx)`);
  }
  if ('error' in outcome) throw outcome.error;
  return `${outcome.detail}; hold lifted`;
}

async function deleteUnderHold(probe: ServiceProbe, target: CheckTarget): Promise<string> {
  const unchanged = await guardCounts(probe, target);
  const deletion = await probe.send('DELETE', probe.tenantUrl(target.tenantId), { idempotencyKey: freshId() });
  expectStatus(`DELETE of ${target.tenantId} under a legal hold`, deletion, [409]);
  const holdUrl = probe.holdUrl(target.tenantId);
  const lift = await probe.send('DELETE', holdUrl, { credential: { kind: 'valid', scope: 'tenant-data:delete' } });
  expectStatus(`DELETE ${holdUrl} with a tenant-data:delete token`, lift, [403, 401]);
  const again = await probe.send('DELETE', probe.tenantUrl(target.tenantId), { idempotencyKey: freshId() });
  expectStatus(`DELETE of ${target.tenantId} after the refused lift`, again, [409]);
  return `DELETE 409, lift with a delete token ${lift.status}, DELETE 409; ${await unchanged()}`;
}
