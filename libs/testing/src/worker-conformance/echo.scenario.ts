import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { rejectionOf } from '../switchyard-rejection.js';
import { completionRequest } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

const TOKENS_PER_SECOND = 50;
const ANSWER_TOKENS = 6;
const PROMPT = 'Once upon a time';

/**
 * A completion's `echo`: every worker puts the prompt before the answer, streamed and whole; a
 * backend that echoes it itself (vLLM) gives its tokens' log-probabilities too, the first one's
 * null; the others refuse `echo` with `logprobs` before asking the backend.
 */
export function describeEcho(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;
  const timeoutMs = 10_000 + SCHEDULING_SLACK_MS;

  describe(`echo through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile, {
      backends: [{ tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS }],
    });
    const plan = () =>
      oracle.completion({ model: models.chat, prompt: PROMPT, answerTokens: ANSWER_TOKENS });

    it('puts the prompt before the answer, streamed and whole', async () => {
      const { client, subjects } = bed();
      for (const stream of [true, false]) {
        const result = await client.collect(
          subjects.complete(models.chat),
          completionRequest(models.chat, PROMPT, { echo: true, stream }),
          { timeoutMs },
        );
        expect(result.text).toBe(PROMPT + plan().text);
        expect(result.deltas[0]?.text?.startsWith(PROMPT)).toBe(true);
      }
    });

    if (!quirks.echoesPromptLogprobs) {
      it("refuses the prompt's log-probabilities as unsupported, naming echo, without asking the backend", async () => {
        const { client, subjects, backend } = bed();
        const received = backend.stats().received;
        const refusal = await rejectionOf(
          client.collect(
            subjects.complete(models.chat),
            completionRequest(models.chat, PROMPT, { echo: true, logprobs: 1 }),
            { timeoutMs },
          ),
        );
        expect(refusal).toMatchObject({ code: 'unsupported', details: { param: 'echo' } });
        expect(backend.stats().received).toBe(received);
      });
      return;
    }

    it("gives the prompt's tokens their log-probabilities, the first one's null", async () => {
      const { client, subjects } = bed();
      const result = await client.collect(
        subjects.complete(models.chat),
        completionRequest(models.chat, PROMPT, { echo: true, logprobs: 1 }),
        { timeoutMs },
      );
      expect(result.text).toBe(PROMPT + plan().text);
      const entries = result.deltas.flatMap((delta) => delta.logprobs ?? []);
      expect(entries.map((entry) => entry.token).join('')).toBe(PROMPT + plan().text);
      expect(entries[0]).toMatchObject({ logprob: null });
      expect(entries[0]?.top_logprobs ?? []).toEqual([]);
      for (const entry of entries.slice(1)) {
        expect(entry.logprob).toEqual(expect.any(Number));
        expect(entry.top_logprobs).toHaveLength(1);
      }
    });
  });
}
