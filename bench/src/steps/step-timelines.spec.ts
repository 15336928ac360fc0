import { describe, expect, it } from '@jest/globals';
import {
  stepChannels,
  stepTimeline,
  type StepDefinition,
  type StepEvent,
} from './step-timelines.js';

const STEPS: StepDefinition[] = [
  { step: 'in', role: 'gateway', channel: 'start' },
  { step: 'at the worker', role: 'worker', channel: 'take' },
  { step: 'first frame', role: 'worker', channel: 'frame' },
  { step: 'last frame', role: 'worker', channel: 'frame', last: true },
  { step: 'out', role: 'gateway', channel: 'finish' },
];

/** The events of one request that reached the gateway at `at` µs, each step `gap` µs apart. */
function request(atUs: number, gapUs: number): StepEvent[] {
  const ns = (us: number): bigint => BigInt(Math.round(us * 1000));
  return [
    { role: 'gateway', channel: 'start', ns: ns(atUs) },
    { role: 'worker', channel: 'take', ns: ns(atUs + gapUs) },
    { role: 'worker', channel: 'frame', ns: ns(atUs + 2 * gapUs) },
    { role: 'worker', channel: 'frame', ns: ns(atUs + 2.5 * gapUs) },
    { role: 'worker', channel: 'frame', ns: ns(atUs + 3 * gapUs) },
    { role: 'gateway', channel: 'finish', ns: ns(atUs + 4 * gapUs) },
  ];
}

describe('stepTimeline', () => {
  it('lines each request up from its first step and takes medians per step', () => {
    // Shuffled across processes, as three files read one after the other would be.
    const events = [...request(0, 10), ...request(1_000, 20), ...request(2_000, 30)].reverse();
    const timeline = stepTimeline(events, STEPS);
    expect(timeline.requests).toBe(3);
    expect(timeline.incomplete).toBe(0);
    expect(timeline.steps).toEqual([
      { step: 'in', atUs: 0, sinceLastUs: 0 },
      { step: 'at the worker', atUs: 20, sinceLastUs: 20 },
      { step: 'first frame', atUs: 40, sinceLastUs: 20 },
      { step: 'last frame', atUs: 60, sinceLastUs: 20 },
      { step: 'out', atUs: 80, sinceLastUs: 20 },
    ]);
  });

  it('leaves out a request that is missing a step, and counts it', () => {
    const cut = request(5_000, 10).filter((event) => event.channel !== 'finish');
    const timeline = stepTimeline([...request(0, 10), ...cut], STEPS);
    expect(timeline.requests).toBe(1);
    expect(timeline.incomplete).toBe(1);
    expect(timeline.steps.at(-1)).toEqual({ step: 'out', atUs: 40, sinceLastUs: 10 });
  });

  it('does not take an event of another process for a step', () => {
    const events = request(0, 10).map((event) =>
      event.channel === 'take' ? { ...event, role: 'backend' as const } : event,
    );
    expect(stepTimeline(events, STEPS)).toMatchObject({ requests: 0, incomplete: 1 });
  });

  it("subscribes to every channel both paths' steps are read from, each once", () => {
    const channels = stepChannels();
    expect(new Set(channels).size).toBe(channels.length);
    expect(channels).toEqual(
      expect.arrayContaining([
        'http.server.request.start',
        'http.server.response.finish',
        'undici:client:sendHeaders',
        'switchyard:request:publish',
        'switchyard:frame:receive',
        'bench:relay:reply:publish',
      ]),
    );
  });
});
