import { proxyActivities } from '@temporalio/workflow';
import { FAILURE_TYPES } from '@tenant-deletion/contract';
import type { GuardRailActivities } from '../activities/guard-rail-activities';
import type { TenantActivities } from '../activities/tenant-activities';

/**
 * The orchestration queue's activities as the tenant workflow calls them. The ledger, Kafka and the registry are
 * ours to wait for: retried until they are back, never given up halfway; only a registry's refusal is final.
 */
export const orchestration = proxyActivities<TenantActivities & GuardRailActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: [FAILURE_TYPES.rejected] },
});

/** Runs `work` over `items` with at most `size` at a time, results in order: pending activities stay bounded. */
export async function inWindow<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
  return results;
}

/** The service's or registry's own words from a failed activity, without Temporal's wrapping. */
export function failureMessage(error: unknown): string {
  const cause = (error as Error).cause as Error | undefined;
  return String(cause?.message ?? (error as Error).message);
}
