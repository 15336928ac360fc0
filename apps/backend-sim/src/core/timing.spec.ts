import { describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { parseKeepAlive, rfc3339Nano, sleep } from './timing.js';
import { RequestAbortedError } from './sim-errors.js';

describe('parseKeepAlive', () => {
  it('reads Go durations and numbers of seconds, in milliseconds', () => {
    expect(parseKeepAlive('5m')).toBe(300_000);
    expect(parseKeepAlive('1h30m')).toBe(5_400_000);
    expect(parseKeepAlive('250ms')).toBe(250);
    expect(parseKeepAlive('-1m')).toBe(-60_000);
    expect(parseKeepAlive(0)).toBe(0);
    expect(parseKeepAlive('30')).toBe(30_000);
    expect(parseKeepAlive('soon')).toBeUndefined();
    expect(parseKeepAlive(true)).toBeUndefined();
  });
});

describe('rfc3339Nano', () => {
  it("trims trailing zeros like Go's RFC3339Nano", () => {
    expect(rfc3339Nano(Date.UTC(2025, 2, 1, 10, 0, 0, 500))).toBe('2025-03-01T10:00:00.5Z');
    expect(rfc3339Nano(Date.UTC(2025, 2, 1, 10, 0, 0, 0))).toBe('2025-03-01T10:00:00Z');
    expect(rfc3339Nano()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });
});

describe('sleep', () => {
  it('rejects at once when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
    // Far below the 10 s it sleeps for.
    expect(Date.now() - started).toBeLessThan(1000 + SCHEDULING_SLACK_MS);
  });
});
