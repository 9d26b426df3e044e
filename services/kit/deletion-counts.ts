import type { DeletionPlan } from './deletion-plan';

/** Rows per planned table and unlinked files per `countAs`, as the contract's answers report them. */
export type Counts = Record<string, number>;

/** Every key an answer reports, each zero: answers name every planned table, so a zero is visible, not missing. */
export function zeroCounts(plan: DeletionPlan): Counts {
  const counts: Counts = {};
  for (const table of plan.tables) {
    counts[table.name] = 0;
    for (const file of table.files) counts[file.countAs] = 0;
  }
  return counts;
}

export function addCounts(base: Counts, more: Counts): Counts {
  const sum = { ...base };
  for (const [key, n] of Object.entries(more)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}

export function totalOf(counts: Counts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
