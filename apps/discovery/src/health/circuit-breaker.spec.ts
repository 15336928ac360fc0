import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  function breaker() {
    const clock = { now: 0 };
    return { clock, breaker: new CircuitBreaker({ threshold: 3, openMs: 1_000 }, () => clock.now) };
  }

  it('opens after the threshold of failures in a row and lets nothing through while open', () => {
    const { clock, breaker: b } = breaker();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe('closed');
    b.recordFailure();
    expect(b.state).toBe('open');
    expect(b.allows()).toBe(false);
    clock.now = 400;
    expect(b.remainingMs()).toBe(600);
  });

  it('lets one trial through after the open time; a failed trial opens it again', () => {
    const { clock, breaker: b } = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    clock.now = 1_000;
    expect(b.state).toBe('half-open');
    expect(b.allows()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe('open');
    expect(b.remainingMs()).toBe(1_000);
  });

  it('closes on a success and counts failures afresh', () => {
    const { clock, breaker: b } = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    clock.now = 1_000;
    b.recordSuccess();
    expect(b.state).toBe('closed');
    b.recordFailure();
    expect(b.state).toBe('closed');
  });
});
