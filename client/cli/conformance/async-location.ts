import { setTimeout as sleep } from 'node:timers/promises';
import type { DeletionBody } from '@tenant-deletion/contract';
import { CheckFailed } from './check-result';
import { expectStatus, readDeletion } from './contract-answers';
import type { ProbeAnswer, ServiceProbe } from './service-probe';

/** Polls quickly at first, so that a short background deletion is seen as it ends, then every few seconds. */
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;

/**
 * Follows a DELETE's 202 as the orchestrator's activity does: GET the Location, with the same token, until it answers
 * 200 with the contract's DELETE body; every answer meanwhile must be 202.
 */
export async function followLocation(
  probe: ServiceProbe,
  accepted: ProbeAnswer,
  tenantId: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ body: DeletionBody; polls: number }> {
  const location = accepted.headers.get('location');
  if (!location) throw new CheckFailed(`DELETE of ${tenantId} answered 202 without a Location header`);
  const url = probe.resolve(location);
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const answer = await probe.send('GET', url);
    const what = `GET ${url} (poll ${polls})`;
    if (answer.status === 200) return { body: readDeletion(what, answer, tenantId), polls };
    expectStatus(what, answer, [202, 200]);
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new CheckFailed(
        `the Location ${url} still answered 202 after ${polls} polls in ${timeoutMs / 1000} s (see --poll-timeout)`,
      );
    }
    await sleep(Math.min(FIRST_POLL_MS * 2 ** (polls - 1), MAX_POLL_MS, left), undefined, { signal });
  }
}
