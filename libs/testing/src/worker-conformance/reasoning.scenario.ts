import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { assembleDeltas } from '../frame-assembly.js';
import { chatRequest, plainMessages } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

/** A thinking model's reasoning, apart from its answer, and switched off where the kind can. */
export function describeReasoning(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;

  describe(`reasoning through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile);

    it('streams a thinking model’s reasoning before its answer, both counted', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.think, 'Is 17 prime?');
      const plan = oracle.completion({
        model: models.think,
        messages: plainMessages(request.messages),
      });
      expect(plan.thinking).not.toBe('');

      const result = await client.collect(subjects.chat(models.think), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      const { reasoning, text } = assembleDeltas(result.deltas);
      expect(reasoning).toBe(plan.thinking);
      expect(text).toBe(plan.text);
      const firstText = result.deltas.findIndex((delta) => delta.text !== undefined);
      const lastReasoning = result.deltas.findLastIndex((delta) => delta.reasoning !== undefined);
      expect(lastReasoning).toBeLessThan(firstText);
      expect(result.end.usage.completion_tokens).toBe(plan.completionTokens);
    });

    // LM Studio's OpenAI API has no way to say it; the scenario holds where there is one.
    if (!quirks.switchesThinkingOff) return;
    it('switches thinking off for reasoning_effort none', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.think, 'Is 17 prime?', { reasoning_effort: 'none' });
      const plan = oracle.completion({
        model: models.think,
        messages: plainMessages(request.messages),
        think: false,
      });

      const result = await client.collect(subjects.chat(models.think), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      expect(assembleDeltas(result.deltas).reasoning).toBe('');
      expect(result.text).toBe(plan.text);
    });
  });
}
