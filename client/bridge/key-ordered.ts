import type { Limit } from 'p-limit';

/**
 * Runs `work` for every item, items that share a key one after another in their given order, different keys side
 * by side within the shared `limit`. Waits for every item, so that no work is still running when it returns, then
 * throws the first failure, if any.
 */
export async function inKeyOrder<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: Limit,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const settled = await Promise.allSettled(
    [...groups.values()].map(async (group) => {
      for (const item of group) await limit(() => work(item));
    }),
  );
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
