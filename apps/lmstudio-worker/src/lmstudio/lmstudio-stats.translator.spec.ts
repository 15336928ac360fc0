import { describe, expect, it } from '@jest/globals';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { withLmStudioStats } from './lmstudio-stats.translator.js';

const measured: GenerationEvent[] = [
  { type: 'delta', text: 'Hi' },
  {
    type: 'end',
    finish_reason: 'stop',
    usage: { prompt_tokens: 5, completion_tokens: 1 },
    timings: { source: 'worker', ttft_ms: 900, total_ms: 900 },
  },
];

describe('withLmStudioStats', () => {
  it("puts LM Studio's own stats (seconds) in the end event, keeping the measured total", () => {
    // The `stats` of a non-streamed /api/v0 answer (backend reference, section 2).
    const stats = {
      tokens_per_second: 51.4,
      time_to_first_token: 0.111,
      generation_time: 0.954,
      stop_reason: 'eosFound',
    };
    expect(withLmStudioStats(measured, { stats })[1]).toEqual({
      type: 'end',
      finish_reason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 1 },
      timings: { source: 'backend', ttft_ms: 111, tokens_per_second: 51.4, total_ms: 900 },
    });
  });

  it('keeps the measured timings when stats are absent, empty or not numbers', () => {
    for (const answer of [{}, { stats: {} }, { stats: { tokens_per_second: 'fast' } }, null]) {
      expect(withLmStudioStats(measured, answer)).toBe(measured);
    }
  });
});
