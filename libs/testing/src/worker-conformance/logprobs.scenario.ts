import type { DeltaFrame } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { rejectionOf } from '../switchyard-rejection.js';
import { chatRequest, completionRequest, plainMessages } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

// Paced, so that a streamed answer reaches the worker token by token, several reads apart, and
// the entries of several backend chunks must travel with their text.
const TOKENS_PER_SECOND = 50;
const ANSWER_TOKENS = 6;

/**
 * `logprobs`: a worker whose backend gives log-probabilities relays them with the text, one
 * entry per token and as many alternatives as asked, streamed or whole; one whose backend cannot
 * refuses the request before asking the backend.
 */
export function describeLogprobs(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;
  const timeoutMs = 10_000 + SCHEDULING_SLACK_MS;

  describe(`log-probabilities through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile, {
      backends: [{ tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS }],
    });

    /** Each text delta's entries, checked to be its tokens, with `top` alternatives each. */
    function expectEntriesOfTheText(deltas: readonly DeltaFrame[], top: number): void {
      const texts = deltas.filter((delta) => delta.text !== undefined);
      expect(texts.length).toBeGreaterThan(0);
      for (const delta of texts) {
        const entries = delta.logprobs ?? [];
        expect(entries.map((entry) => entry.token).join('')).toBe(delta.text);
        for (const entry of entries) {
          expect(entry.logprob).toBeLessThanOrEqual(0);
          expect(entry.top_logprobs ?? []).toHaveLength(top);
        }
      }
    }

    if (!quirks.givesLogprobs) {
      it('refuses them as unsupported, naming the field, without asking the backend', async () => {
        const { client, subjects, backend } = bed();
        const received = backend.stats().received;
        const refusals = [
          await rejectionOf(
            client.collect(
              subjects.chat(models.chat),
              chatRequest(models.chat, 'Why is the sky blue?', { logprobs: 2 }),
              { timeoutMs },
            ),
          ),
          await rejectionOf(
            client.collect(
              subjects.complete(models.chat),
              completionRequest(models.chat, 'Once upon a time', { logprobs: 0 }),
              { timeoutMs },
            ),
          ),
        ];
        for (const refusal of refusals) {
          expect(refusal).toMatchObject({ code: 'unsupported', details: { param: 'logprobs' } });
        }
        expect(backend.stats().received).toBe(received);
      });
      return;
    }

    it('streams a chat with an entry per token of each delta, with the alternatives asked', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Why is the sky blue?', { logprobs: 3 });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        answerTokens: ANSWER_TOKENS,
      });

      const result = await client.collect(subjects.chat(models.chat), request, { timeoutMs });

      expect(result.text).toBe(plan.text);
      expectEntriesOfTheText(result.deltas, 3);
      // Every token has its entry: none was lost between backend chunks and frames.
      const entries = result.deltas.flatMap((delta) => delta.logprobs ?? []);
      expect(entries.map((entry) => entry.token).join('')).toBe(plan.text);

      const plain = await client.collect(
        subjects.chat(models.chat),
        chatRequest(models.chat, 'Why is the sky blue?'),
        { timeoutMs },
      );
      expect(plain.deltas.filter((delta) => delta.logprobs !== undefined)).toEqual([]);
    });

    it('streams a completion with its entries', async () => {
      const { client, subjects } = bed();
      const prompt = 'Once upon a time';
      const plan = oracle.completion({ model: models.chat, prompt, answerTokens: ANSWER_TOKENS });

      const result = await client.collect(
        subjects.complete(models.chat),
        completionRequest(models.chat, prompt, { logprobs: 2 }),
        { timeoutMs },
      );

      expect(result.text).toBe(plan.text);
      expectEntriesOfTheText(result.deltas, 2);
      const entries = result.deltas.flatMap((delta) => delta.logprobs ?? []);
      expect(entries.map((entry) => entry.token).join('')).toBe(plan.text);
    });

    it('sends a whole answer (stream: false) with its entries, 0 meaning the chosen tokens alone', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Why is the sky blue?', {
        logprobs: 0,
        stream: false,
      });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        answerTokens: ANSWER_TOKENS,
      });

      const result = await client.collect(subjects.chat(models.chat), request, { timeoutMs });

      expect(result.deltas).toHaveLength(1);
      expect(result.text).toBe(plan.text);
      expectEntriesOfTheText(result.deltas, 0);
      expect(result.deltas[0]?.logprobs?.length).toBeGreaterThan(0);
    });
  });
}
