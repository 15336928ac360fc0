import { describe, expect, it } from '@jest/globals';
import { InferenceStats, MAX_KEPT_SUBJECTS } from './inference-stats.js';

const answer = async (): Promise<string> => 'ok';

describe('InferenceStats', () => {
  it('keeps the counts of a subject served again, and of at most MAX_KEPT_SUBJECTS subjects', async () => {
    const stats = new InferenceStats();
    const kept = 'switchyard.v1.chat.kept';
    const gone = 'switchyard.v1.chat.gone';
    await stats.track(gone, answer)();
    await stats.track(kept, answer)();
    await stats.track(kept, answer)();
    // Models that come and go (a copy asked once and deleted), while `kept` stays served: each
    // registration tracks every served subject again.
    for (let i = 0; i < MAX_KEPT_SUBJECTS + 10; i++) {
      await stats.track(`switchyard.v1.chat.copy-${i}`, answer)();
      stats.track(kept, answer);
    }
    expect(stats.data(kept).requests).toBe(2);
    // The longest unserved went first: their counts start again from nothing.
    expect(stats.data(gone).requests).toBe(0);
    expect(stats.data('switchyard.v1.chat.copy-0').requests).toBe(0);
    expect(stats.data(`switchyard.v1.chat.copy-${MAX_KEPT_SUBJECTS + 9}`).requests).toBe(1);
  });

  it('never drops a subject with requests in flight', async () => {
    const stats = new InferenceStats();
    let finish: (value: string) => void = () => undefined;
    const slow = stats.track(
      'switchyard.v1.chat.slow',
      () => new Promise<string>((resolve) => (finish = resolve)),
    );
    const pending = slow();
    for (let i = 0; i < MAX_KEPT_SUBJECTS + 10; i++)
      stats.track(`switchyard.v1.chat.m-${i}`, answer);
    finish('done');
    await pending;
    expect(stats.data('switchyard.v1.chat.slow')).toMatchObject({ requests: 1, in_flight: 0 });
  });
});
