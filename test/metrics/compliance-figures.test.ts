import type { MetricGauge, MetricTags } from '@temporalio/common';
import {
  dueBucket,
  dueBuckets,
  LabelledGauge,
  mostOverdueSeconds,
  oldestAgeSeconds,
} from '../../workers/compliance-figures';

const now = new Date('2026-12-01T12:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);

describe('dueBucket', () => {
  it.each([
    [-3, 'overdue'],
    [0, 'overdue'],
    [0.01, '1d'],
    [1, '1d'],
    [1.01, '3d'],
    [3, '3d'],
    [3.5, '7d'],
    [7, '7d'],
    [8, '30d'],
    [30, '30d'],
    [31, 'later'],
  ])('due in %p days is %p (not cumulative: each bucket ends where the next starts)', (days, bucket) => {
    expect(dueBucket(inDays(days), now)).toBe(bucket);
  });
});

describe('dueBuckets', () => {
  it('counts each deletion in one bucket and reports empty buckets as 0', () => {
    expect(dueBuckets([inDays(-1), inDays(-2), inDays(2), inDays(40)], now)).toEqual({
      overdue: 2,
      '1d': 0,
      '3d': 1,
      '7d': 0,
      '30d': 0,
      later: 1,
    });
  });
});

describe('oldestAgeSeconds', () => {
  it('is the age of the earliest date, in whole seconds', () => {
    expect(oldestAgeSeconds([inDays(-1), inDays(-2.5), new Date(now.getTime() - 1_500)], now)).toBe(216_000);
  });

  it('is 0 when nothing waits, and never negative for a date ahead of the clock', () => {
    expect(oldestAgeSeconds([], now)).toBe(0);
    expect(oldestAgeSeconds([inDays(1)], now)).toBe(0);
  });
});

describe('mostOverdueSeconds', () => {
  it('is how far past due the most overdue deletion is, ignoring those not yet due', () => {
    expect(mostOverdueSeconds([inDays(3), inDays(-0.5), inDays(-2)], now)).toBe(172_800);
  });

  it('is 0 when none is overdue', () => {
    expect(mostOverdueSeconds([inDays(3)], now)).toBe(0);
    expect(mostOverdueSeconds([], now)).toBe(0);
  });
});

describe('LabelledGauge', () => {
  function recordingGauge() {
    const values = new Map<string, number>();
    const gauge = {
      set: (value: number, tags: MetricTags = {}) => values.set(JSON.stringify(tags), value),
    } as unknown as MetricGauge;
    return { gauge, values };
  }

  it('sets the label sets given and zeroes those that vanished since the last update', () => {
    const { gauge, values } = recordingGauge();
    const labelled = new LabelledGauge(gauge);
    labelled.update([
      { labels: { service_type: 'billing' }, value: 3 },
      { labels: { service_type: 'crm' }, value: 1 },
    ]);
    labelled.update([{ labels: { service_type: 'crm' }, value: 2 }]);
    expect(Object.fromEntries(values)).toEqual({
      '{"service_type":"billing"}': 0,
      '{"service_type":"crm"}': 2,
    });
  });

  it('treats label sets with the same labels in another order as one: nothing is zeroed', () => {
    const calls: [number, MetricTags | undefined][] = [];
    const gauge = { set: (value: number, tags?: MetricTags) => calls.push([value, tags]) } as unknown as MetricGauge;
    const labelled = new LabelledGauge(gauge);
    labelled.update([{ labels: { a: '1', b: '2' }, value: 5 }]);
    labelled.update([{ labels: { b: '2', a: '1' }, value: 6 }]);
    expect(calls.map(([value]) => value)).toEqual([5, 6]);
  });
});
