import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { chatRequest } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

// Longer than anything a loaded machine adds to a warm request's first token, so "the warm
// request did not wait for a load" stays a firm upper bound.
const LOAD_MS = 300 + SCHEDULING_SLACK_MS;
const TTFT_MS = 40;
const TOKENS_PER_SECOND = 100;
const ANSWER_TOKENS = 12;

/**
 * The end frame's usage and timings, from the backend's own statistics where it reports them and
 * from the worker's clock otherwise, checked for plausibility against the backend's pace. Timers
 * only ever run late, so lower bounds on durations are firm and speeds are bounded from above;
 * from below a speed is bounded by the caller's own clock, which covers the whole generation.
 */
export function describeEndFrameTimings(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, quirks } = profile;

  describe(`the end frame of a ${profile.name} answer`, () => {
    const bed = useTestbed(profile, {
      backends: [
        {
          loadMs: LOAD_MS,
          ttftMs: TTFT_MS,
          tokensPerSecond: TOKENS_PER_SECOND,
          answerTokens: ANSWER_TOKENS,
        },
      ],
    });

    async function endOf() {
      const { client, subjects } = bed();
      const started = performance.now();
      const result = await client.collect(
        subjects.chat(models.chat),
        chatRequest(models.chat, 'Hi'),
        { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
      );
      return { ...result.end, elapsedMs: performance.now() - started };
    }

    it(`carries usage and ${quirks.timingsSource} timings: time to first token and speed`, async () => {
      const cold = await endOf();
      const warm = await endOf();
      console.log(
        `${profile.name} end-frame timings, first then second:`,
        cold.timings,
        warm.timings,
      );

      expect(cold.usage.completion_tokens).toBe(ANSWER_TOKENS);
      for (const { timings, elapsedMs } of [cold, warm]) {
        expect(timings?.source).toBe(quirks.timingsSource);
        expect(timings?.ttft_ms).toBeGreaterThanOrEqual(TTFT_MS * 0.9);
        // Not slower than the tokens after the first over the whole request, as the caller saw it.
        expect(timings?.tokens_per_second).toBeGreaterThan(
          ((ANSWER_TOKENS - 1) / elapsedMs) * 1000 * 0.9,
        );
        expect(timings?.tokens_per_second).toBeLessThan(TOKENS_PER_SECOND * 1.5);
        // The worker's clock covers the whole request: first token, then the rest at the pace.
        const generationMs = ((ANSWER_TOKENS - 1) / TOKENS_PER_SECOND) * 1000;
        expect(timings?.total_ms).toBeGreaterThanOrEqual(
          (timings?.ttft_ms ?? 0) + generationMs * 0.9,
        );
        expect(timings?.queue_ms).toBeGreaterThanOrEqual(0);
      }
      expect(warm.timings?.ttft_ms).toBeLessThan(LOAD_MS);
      if (quirks.modelLoad === 'before-listening') {
        expect(cold.timings?.ttft_ms).toBeLessThan(LOAD_MS);
        expect(cold.timings?.load_ms).toBeUndefined();
      } else {
        // The first request waited for the model to load, and that shows.
        expect(cold.timings?.ttft_ms).toBeGreaterThanOrEqual(LOAD_MS + TTFT_MS * 0.9);
      }
      if (quirks.modelLoad === 'reported') {
        expect(cold.timings?.load_ms).toBeGreaterThanOrEqual(LOAD_MS * 0.9);
        expect(warm.timings?.load_ms).toBeLessThan(LOAD_MS / 2);
      }
    });
  });
}
