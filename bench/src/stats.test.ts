import { describe, expect, it } from '@jest/globals';
import { median, percentile, ratio, summarize } from './stats';

describe('benchmark statistics', () => {
  it('takes nearest-rank percentiles: always a value that was observed', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)]).toEqual([50, 95, 99]);
    expect(percentile([7, 9], 99)).toBe(9);
    expect(percentile([7, 9], 1)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples and rounds ratios to three digits', () => {
    expect(summarize([30, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30, p99: 30, max: 30, mean: 20 });
    expect(ratio(2, 3)).toBe(0.667);
  });

  it('takes the median of few repetitions: the middle one, or the mean of the middle two', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});
