import { describe, expect, it } from '@jest/globals';
import { HealthTracker, type Observation } from './health-tracker.js';

const ok = (latencyMs = 10): Observation => ({ outcome: 'ok', latencyMs });
const failing: Observation = { outcome: 'failing', reason: 'GET / answered 500' };
const unreachable: Observation = { outcome: 'unreachable', reason: 'ECONNREFUSED' };
const stranger: Observation = { outcome: 'unrecognised', reason: 'not Ollama' };

function run(...observations: Observation[]) {
  const tracker = new HealthTracker({ degradedLatencyMs: 500 });
  return observations.map((observation, i) => tracker.observe(observation, 1_000 * (i + 1)));
}

describe('HealthTracker', () => {
  it('is healthy on a prompt answer and degraded on a slow one', () => {
    expect(run(ok()).map((s) => s.state)).toEqual(['healthy']);
    expect(run(ok(), ok(800)).map((s) => s.state)).toEqual(['healthy', 'degraded']);
  });

  it('degrades on a failure, turns unhealthy when failures go on, recovers through degraded', () => {
    const states = run(ok(), failing, failing, failing, ok(), ok(), ok(), ok()).map((s) => s.state);
    expect(states).toEqual([
      'healthy',
      'degraded',
      'degraded',
      'unhealthy',
      'degraded',
      'degraded',
      'healthy',
      'healthy',
    ]);
  });

  it('is unhealthy at once when the expected server fails from the start', () => {
    expect(run(failing)[0]?.state).toBe('unhealthy');
  });

  it('goes offline on the first refused connection and is healthy on the first answer after', () => {
    const snapshots = run(ok(), failing, unreachable, ok());
    expect(snapshots.map((s) => s.state)).toEqual(['healthy', 'degraded', 'offline', 'healthy']);
    expect(snapshots[2]?.consecutiveFailures).toBe(2);
    expect(snapshots[3]?.consecutiveFailures).toBe(0);
  });

  it('reports a stranger as unrecognised and keeps the last success time', () => {
    const snapshots = run(ok(), stranger);
    expect(snapshots[1]).toMatchObject({ state: 'unrecognised', seenAt: 1_000 });
  });

  it('keeps the most recent latencies, newest last', () => {
    const tracker = new HealthTracker({ degradedLatencyMs: 500, latencyHistory: 3 });
    for (const latency of [1, 2, 3, 4]) tracker.observe(ok(latency));
    tracker.observe(unreachable);
    expect(tracker.snapshot.latencies).toEqual([2, 3, 4]);
  });

  it('carries on from a seed', () => {
    const tracker = new HealthTracker(
      { degradedLatencyMs: 500 },
      { state: 'unhealthy', consecutiveFailures: 4, latencies: [5], seenAt: 1 },
    );
    expect(tracker.observe(failing, 2)).toMatchObject({
      state: 'unhealthy',
      consecutiveFailures: 5,
    });
  });
});
