import { describe, expect, it } from '@jest/globals';
import { UsageLedger } from './usage-ledger.js';

describe('UsageLedger', () => {
  const subjects = ['chat.a', 'embed.a'];

  function ledgerAt(start: number): { ledger: UsageLedger; advance(ms: number): void } {
    let now = start;
    return { ledger: new UsageLedger(() => now), advance: (ms) => (now += ms) };
  }

  it('is idle only once the TTL passed since the last use', () => {
    const { ledger, advance } = ledgerAt(1_000);
    ledger.touch('b');
    advance(999);
    expect(ledger.isIdle('b', 1_000)).toBe(false);
    advance(1);
    expect(ledger.isIdle('b', 1_000)).toBe(true);
  });

  it('counts a change in the request counters as a use, and an unchanged one as none', () => {
    const { ledger, advance } = ledgerAt(0);
    ledger.observe('b', subjects, new Map([['chat.a', { inFlight: 0, requests: 3 }]]));
    advance(5_000);
    ledger.observe('b', subjects, new Map([['chat.a', { inFlight: 0, requests: 3 }]]));
    expect(ledger.lastUsedAt('b')).toBe(0);
    ledger.observe('b', subjects, new Map([['embed.a', { inFlight: 0, requests: 1 }]]));
    expect(ledger.lastUsedAt('b')).toBe(5_000);
  });

  it('never calls a backend with requests in flight idle, however long ago it was used', () => {
    const { ledger, advance } = ledgerAt(0);
    ledger.observe('b', subjects, new Map([['chat.a', { inFlight: 1, requests: 1 }]]));
    advance(60_000);
    // The counters did not change, but a request is still running.
    ledger.observe('b', subjects, new Map([['chat.a', { inFlight: 1, requests: 1 }]]));
    advance(60_000);
    expect(ledger.isIdle('b', 1_000)).toBe(false);
    ledger.observe('b', subjects, new Map([['chat.a', { inFlight: 0, requests: 1 }]]));
    expect(ledger.isIdle('b', 1_000)).toBe(false);
    advance(1_000);
    expect(ledger.isIdle('b', 1_000)).toBe(true);
  });

  it('ignores the counters of other subjects', () => {
    const { ledger, advance } = ledgerAt(0);
    ledger.observe('b', subjects, new Map());
    advance(2_000);
    ledger.observe('b', subjects, new Map([['chat.other', { inFlight: 4, requests: 9 }]]));
    expect(ledger.isIdle('b', 2_000)).toBe(true);
  });
});
