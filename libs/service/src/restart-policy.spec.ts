import { describe, expect, it } from '@jest/globals';
import { RestartPolicy } from './restart-policy.js';

const settings = {
  initial_backoff_ms: 1_000,
  max_backoff_ms: 5_000,
  max_restarts: 3,
  window_ms: 60_000,
};

describe('RestartPolicy', () => {
  it('doubles the delay after each crash, capped, with ±20% jitter', () => {
    const low = new RestartPolicy(settings, () => 0);
    const high = new RestartPolicy(settings, () => 1);
    const delays = [0, 1, 2].map((i) => [low.onCrash(i), high.onCrash(i)]);
    expect(delays).toEqual([
      [
        { restart: true, delayMs: 800 },
        { restart: true, delayMs: 1_200 },
      ],
      [
        { restart: true, delayMs: 1_600 },
        { restart: true, delayMs: 2_400 },
      ],
      [
        { restart: true, delayMs: 3_200 },
        { restart: true, delayMs: 4_800 },
      ],
    ]);
    const capped = new RestartPolicy({ ...settings, max_restarts: 10 }, () => 0.5);
    for (let i = 0; i < 5; i++) capped.onCrash(i);
    expect(capped.onCrash(6)).toEqual({ restart: true, delayMs: 5_000 });
  });

  it('gives up after more than max_restarts crashes within the window', () => {
    const policy = new RestartPolicy(settings, () => 0.5);
    for (let i = 0; i < 3; i++) expect(policy.onCrash(i * 1_000).restart).toBe(true);
    expect(policy.onCrash(3_000)).toEqual({ restart: false });
  });

  it('forgets crashes older than the window, and all of them on reset', () => {
    const policy = new RestartPolicy(settings, () => 0.5);
    for (let i = 0; i < 3; i++) policy.onCrash(i);
    expect(policy.onCrash(61_000).restart).toBe(true);
    expect(policy.recentCrashes).toBe(1);
    policy.reset();
    expect(policy.recentCrashes).toBe(0);
  });
});
