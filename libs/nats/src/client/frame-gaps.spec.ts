import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FrameGaps, RESEND_INTERVAL_MS } from './frame-gaps.js';

const OUTAGE_WAIT_MS = 3_500;
const frame = (seq: number) => ({ frame: { seq } });

/** A gap repair whose asks and give-ups are counted. */
function gapsUnderTest() {
  const asks: number[] = [];
  const giveUps: number[] = [];
  const gaps = new FrameGaps(
    {
      askForResend: () => asks.push(Date.now()),
      giveUp: (askedForMs) => giveUps.push(askedForMs),
    },
    OUTAGE_WAIT_MS,
  );
  return { gaps, asks, giveUps };
}

describe('FrameGaps', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('holds frames that came ahead and gives each back once, when it is next', () => {
    const { gaps, asks } = gapsUnderTest();
    gaps.hold(frame(3));
    gaps.hold(frame(2));
    expect(asks).toHaveLength(1);
    expect(gaps.holding).toBe(true);
    expect(gaps.has(2)).toBe(true);
    expect(gaps.take(1)).toBeUndefined();
    expect(gaps.take(2)).toEqual(frame(2));
    expect(gaps.take(2)).toBeUndefined();
    expect(gaps.take(3)).toEqual(frame(3));
    expect(gaps.holding).toBe(false);
  });

  it('asks again every interval while a frame is missing, and stops once nothing is', () => {
    const { gaps, asks } = gapsUnderTest();
    gaps.hold(frame(5));
    jest.advanceTimersByTime(2 * RESEND_INTERVAL_MS);
    expect(asks).toEqual([0, RESEND_INTERVAL_MS, 2 * RESEND_INTERVAL_MS]);
    gaps.settle();
    expect(asks).toHaveLength(3);
    gaps.take(5);
    gaps.settle();
    jest.advanceTimersByTime(5 * RESEND_INTERVAL_MS);
    expect(asks).toHaveLength(3);
  });

  it('gives up once it has asked for longer than the outage wait', () => {
    const { gaps, asks, giveUps } = gapsUnderTest();
    gaps.ask();
    jest.advanceTimersByTime(OUTAGE_WAIT_MS + RESEND_INTERVAL_MS);
    expect(asks).toHaveLength(Math.floor(OUTAGE_WAIT_MS / RESEND_INTERVAL_MS) + 1);
    expect(giveUps).toEqual([Math.ceil(OUTAGE_WAIT_MS / RESEND_INTERVAL_MS) * RESEND_INTERVAL_MS]);
  });

  it('asks from scratch after a repair: a new outage gets the whole wait again', () => {
    const { gaps, giveUps } = gapsUnderTest();
    gaps.ask();
    jest.advanceTimersByTime(OUTAGE_WAIT_MS - 500);
    gaps.settle();
    gaps.ask();
    jest.advanceTimersByTime(OUTAGE_WAIT_MS - 500);
    expect(giveUps).toEqual([]);
  });

  it('stops asking when cleared', () => {
    const { gaps, asks, giveUps } = gapsUnderTest();
    gaps.hold(frame(1));
    gaps.clear();
    jest.advanceTimersByTime(OUTAGE_WAIT_MS * 2);
    expect(asks).toHaveLength(1);
    expect(giveUps).toEqual([]);
    expect(gaps.holding).toBe(false);
  });
});
