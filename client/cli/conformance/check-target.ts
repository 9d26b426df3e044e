import { CheckFailed } from './check-result';
import { changedCounts, readPreview } from './contract-answers';
import type { ServiceProbe } from './service-probe';

/** The tenant the checks work on, and what its preview lets them prove. */
export interface CheckTarget {
  /** The test tenant when it has data, else a fresh random tenant. */
  tenantId: string;
  /** The tenant has rows, so "nothing deleted" is proven by comparing its previews. */
  hasData: boolean;
  /** The preview keeps the contract; when it does not, preview-shape fails once and other checks do not read it. */
  previewUsable: boolean;
}

/**
 * Takes the tenant's preview before a request that must delete nothing; the function returned compares it with the
 * preview after, failing with the tables that changed.
 */
export async function guardCounts(probe: ServiceProbe, target: CheckTarget): Promise<() => Promise<string>> {
  if (!target.hasData) return async () => 'no test data, so that nothing was deleted is not proven';
  const before = await readPreview(probe, target.tenantId);
  return async () => {
    const after = await readPreview(probe, target.tenantId);
    const changed = changedCounts(before.counts, after.counts);
    if (changed) throw new CheckFailed(`rows of ${target.tenantId} were deleted: ${changed}`);
    return `the preview of ${target.tenantId} is unchanged (${before.total} rows)`;
  };
}
