import { CheckFailed, CheckSkipped } from './check-result';
import { describeAnswer, expectStatus } from './contract-answers';
import type { ServiceProbe } from './service-probe';

/**
 * A 503 must say when to come back. It can be provoked only where the service offers the kit's fault knobs (a kit
 * service started with a FaultInjector; the demo fleet unless KIT_FAULTS_ENABLED=false): every tenant request is made
 * unavailable for one preview, then the knobs the service had are put back.
 */
export async function retryAfterCheck(probe: ServiceProbe, faultKnobs: boolean, tenantId: string): Promise<string> {
  if (!faultKnobs) {
    throw new CheckSkipped(
      'a 503 cannot be provoked without fault knobs: add --fault-knobs for a service that offers {base}/admin/faults',
    );
  }
  const knobs = await probe.send('GET', probe.faultsUrl);
  if (knobs.status !== 200 || typeof knobs.body !== 'object' || knobs.body === null) {
    throw new CheckFailed(`--fault-knobs: ${describeAnswer(`GET ${probe.faultsUrl}`, knobs)}, not the fault knobs`);
  }
  const unavailable = await probe.send('PUT', probe.faultsUrl, {
    body: { ...knobs.body, unavailableRate: 1, rateLimitedRate: 0, errorRate: 0, hangRate: 0, nextAnswers: [] },
  });
  expectStatus(`PUT ${probe.faultsUrl}`, unavailable, [200]);
  const outcome = await unavailableAnswer(probe, tenantId).then(
    (detail) => ({ detail }),
    (error: unknown) => ({ error }),
  );
  // Put back what the service had, whatever the check found: left at unavailableRate 1, it would refuse every request.
  const restored = await probe.send('PUT', probe.faultsUrl, { body: knobs.body });
  if (restored.status !== 200) {
    throw new CheckFailed(`restoring the fault knobs: ${describeAnswer(`PUT ${probe.faultsUrl}`, restored)}`);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.detail;
}

async function unavailableAnswer(probe: ServiceProbe, tenantId: string): Promise<string> {
  const preview = await probe.send('GET', probe.previewUrl(tenantId));
  expectStatus(`GET preview of ${tenantId} while unavailable`, preview, [503]);
  const retryAfter = preview.headers.get('retry-after');
  if (retryAfter === null) throw new CheckFailed('the 503 carries no Retry-After header');
  if (!/^\d+$/.test(retryAfter) && Number.isNaN(Date.parse(retryAfter))) {
    throw new CheckFailed(`Retry-After ${JSON.stringify(retryAfter)} is neither seconds nor an HTTP date`);
  }
  return `503 with Retry-After: ${retryAfter}`;
}
