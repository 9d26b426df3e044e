import type { CheckId, CheckResult } from './check-result';
import { runCheck } from './check-result';
import type { CheckTarget } from './check-target';
import { DeletionChecks, unknownTenantCheck } from './contract-checks';
import { readPreview } from './contract-answers';
import { legalHoldCheck } from './hold-checks';
import { retryAfterCheck } from './retry-after-check';
import { freshId, type ServiceProbe } from './service-probe';
import { refusedTokenCheck, TOKEN_CHECK_IDS } from './token-checks';

export interface ConformanceRun {
  /** A tenant whose data the checks delete; without one the data checks skip. */
  dataTenant?: string;
  /** The service offers the kit's fault knobs, so a 503 can be provoked. */
  faultKnobs: boolean;
  pollTimeoutMs: number;
  signal: AbortSignal;
}

/**
 * Every check, in an order that keeps them independent: the refusals (tokens, hold) run while the test tenant still
 * has its data, so that "nothing deleted" is proven; the DELETE of the data comes last, followed by what must hold
 * after it.
 */
export async function runConformance(probe: ServiceProbe, run: ConformanceRun): Promise<CheckResult[]> {
  const fresh = freshId();
  // Before any check: an unreachable service ends the run (exit 3) instead of failing every check.
  await probe.send('GET', probe.previewUrl(fresh));

  const results: CheckResult[] = [];
  const record = async (id: CheckId, check: () => Promise<string>) => void results.push(await runCheck(id, check));

  let seededRows: number | undefined;
  await record('preview-shape', async () => {
    const tenantId = run.dataTenant ?? fresh;
    const body = await readPreview(probe, tenantId);
    seededRows = body.total;
    return `${tenantId}: ${body.total} rows over ${Object.keys(body.counts).length} counts`;
  });
  const withData = (seededRows ?? 0) > 0 ? run.dataTenant : undefined;
  const target: CheckTarget = {
    tenantId: withData ?? fresh,
    hasData: withData !== undefined,
    previewUsable: seededRows !== undefined,
  };

  await record('unknown-tenant', () => unknownTenantCheck(probe, freshId(), target.previewUsable));
  for (const id of TOKEN_CHECK_IDS) await record(id, () => refusedTokenCheck(id, probe, target));
  await record('legal-hold', () => legalHoldCheck(probe, target));
  await record('retry-after', () => retryAfterCheck(probe, run.faultKnobs, fresh));

  const deletion = new DeletionChecks(
    probe,
    target,
    noDataReason(run.dataTenant, seededRows),
    run.pollTimeoutMs,
    run.signal,
  );
  await record('delete-shape', () => deletion.deleteShape());
  await record('async-location', () => deletion.asyncLocation());
  await record('preview-zero-after-delete', () => deletion.previewZeroAfterDelete());
  await record('idempotent-repeat', () => deletion.idempotentRepeat());
  await record('idempotency-key-replay', () => deletion.idempotencyKeyReplay());
  return results;
}

function noDataReason(dataTenant: string | undefined, seededRows: number | undefined): string {
  if (dataTenant === undefined) return 'needs test data: give --tenant <id> --yes or --seed-command <cmd>';
  if (seededRows === undefined) return `needs a preview of ${dataTenant} that keeps the contract (see preview-shape)`;
  return `needs test data: the preview of ${dataTenant} shows no rows (did the seed put any there?)`;
}
