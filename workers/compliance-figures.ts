import type { MetricGauge, MetricTags } from '@temporalio/common';

/** The pure arithmetic of the compliance gauges (compliance-metrics.ts), apart from Temporal and the ledger. */

const DAY_MS = 86_400_000;

/** Not cumulative: "3d" is due in more than 1 and at most 3 days. */
export const DUE_BUCKETS = ['overdue', '1d', '3d', '7d', '30d', 'later'] as const;
export type DueBucket = (typeof DUE_BUCKETS)[number];

const UPPER_DAYS: [DueBucket, number][] = [
  ['1d', 1],
  ['3d', 3],
  ['7d', 7],
  ['30d', 30],
];

/** Due at the very moment counts as overdue: the deadline is the last instant the deletion could be done by. */
export function dueBucket(dueAt: Date, now: Date): DueBucket {
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  return UPPER_DAYS.find(([, days]) => left <= days * DAY_MS)?.[0] ?? 'later';
}

/** How many deletions fall in each bucket, every bucket present (0 when empty) so that a drained one reads 0. */
export function dueBuckets(dueDates: readonly Date[], now: Date): Record<DueBucket, number> {
  const counts = Object.fromEntries(DUE_BUCKETS.map((bucket) => [bucket, 0])) as Record<DueBucket, number>;
  for (const dueAt of dueDates) counts[dueBucket(dueAt, now)] += 1;
  return counts;
}

/** Seconds since the earliest of `since`; 0 when there is none (a gauge for "nothing waits"). */
export function oldestAgeSeconds(since: readonly Date[], now: Date): number {
  if (since.length === 0) return 0;
  const earliest = Math.min(...since.map((date) => date.getTime()));
  return Math.max(0, Math.floor((now.getTime() - earliest) / 1000));
}

/** How far past its due date the most overdue deletion is, in seconds; 0 when none is overdue. */
export function mostOverdueSeconds(dueDates: readonly Date[], now: Date): number {
  return oldestAgeSeconds(
    dueDates.filter((dueAt) => dueAt.getTime() < now.getTime()),
    now,
  );
}

/**
 * A gauge whose label sets come and go with what Temporal shows: one that was set before and is missing from a
 * refresh is set to 0, since Core's exporter cannot drop a series and would otherwise show its last value for ever.
 */
export class LabelledGauge {
  private readonly seen = new Map<string, MetricTags>();

  constructor(private readonly gauge: MetricGauge) {}

  /** Sets every label set given, and 0 on those set before but not given now. */
  update(values: readonly { labels: MetricTags; value: number }[]): void {
    const current = new Set<string>();
    for (const { labels, value } of values) {
      const key = labelKey(labels);
      current.add(key);
      this.seen.set(key, labels);
      this.gauge.set(value, labels);
    }
    for (const [key, labels] of this.seen) {
      if (!current.has(key)) this.gauge.set(0, labels);
    }
  }
}

function labelKey(labels: MetricTags): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}
