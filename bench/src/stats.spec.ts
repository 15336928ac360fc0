import { describe, expect, it } from '@jest/globals';
import {
  formatDelta,
  formatNumber,
  formatPercent,
  formatRatio,
  median,
  percentile,
  summarize,
} from './stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('takes the value at the rank, from a sorted copy', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 1, 3], 50)).toBe(3);
    expect(hundred[0]).toBe(100); // the input is not sorted in place
  });

  it('gives the only sample for any p, NaN for none, and refuses p outside (0, 100]', () => {
    expect(percentile([4.5], 1)).toBe(4.5);
    expect(percentile([4.5], 99)).toBe(4.5);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow('percentile must be in (0, 100], got 101');
  });

  it('p99 of a run with one slow outlier in a hundred is not the outlier', () => {
    const samples = [...Array.from({ length: 99 }, () => 1), 1000];
    expect(percentile(samples, 99)).toBe(1);
    expect(summarize(samples)).toEqual({ count: 100, p50: 1, p90: 1, p99: 1, max: 1000 });
  });
});

describe('summarize', () => {
  it('summarizes a long run: more samples than a call can take as arguments', () => {
    // Five minutes at 2,000 requests per second; Math.max(...samples) throws a RangeError here.
    const samples = Array.from({ length: 600_000 }, (_, i) => (i * 7919) % 600_000);
    expect(summarize(samples)).toEqual({
      count: 600_000,
      p50: 299_999,
      p90: 539_999,
      p99: 593_999,
      max: 599_999,
    });
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores missing values (NaN) and is NaN when nothing is left', () => {
    expect(median([Number.NaN, 5, 1])).toBe(3);
    expect(median([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
  });
});

describe('formatting', () => {
  it('formats ratios with two digits below 10 and one above', () => {
    expect(formatRatio(5, 2)).toBe('2.50×');
    expect(formatRatio(123, 10)).toBe('12.3×');
    expect(formatRatio(1, 0)).toBe('–');
    expect(formatRatio(Number.NaN, 1)).toBe('–');
  });

  it('formats numbers, deltas and percentages', () => {
    expect(formatNumber(1234.56)).toBe('1235');
    expect(formatNumber(12.345, ' ms')).toBe('12.3 ms');
    expect(formatNumber(0.12345)).toBe('0.123');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatDelta(0.4213, 'ms')).toBe('+0.421 ms');
    expect(formatDelta(-12.5, 'ms')).toBe('−12.5 ms');
    expect(formatPercent(0.934)).toBe('93 %');
    expect(formatPercent(Number.NaN)).toBe('–');
  });
});
