import { SwitchyardError, type CompletionRequest } from '@switchyard/contracts';
import { assembleDeltas } from '../frame-assembly.js';
import { completionRequest } from '../requests.js';
import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

const PROMPT = 'Describe a user.';
const SYSTEM = 'You describe people in JSON.';
const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
};

/**
 * Completions asking for what an OpenAI-compatible server (vLLM, LM Studio) does only on chats —
 * a system prompt (a chat template), structured output, thinking — reach it as a chat of the
 * system prompt and the prompt. The simulator seeds a chat's answer from its messages and a
 * completion's from the prompt alone, so the answer shows which route the backend was asked on
 * and what it was given. For kinds whose completions route has none of these; Ollama's generate
 * takes them as its own fields.
 */
export function describeCompletionsAsChats(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;
  const withSystem = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: PROMPT },
  ];

  describe(`completions with a system prompt, structured output or thinking through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile);

    function collect(extra: Partial<CompletionRequest>, model = models.chat) {
      const { client, subjects } = bed();
      return client.collect(subjects.complete(model), completionRequest(model, PROMPT, extra), {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });
    }

    it('sends the system prompt and the prompt as a chat, streamed and whole', async () => {
      const plan = oracle.completion({ model: models.chat, messages: withSystem });
      for (const stream of [true, false]) {
        const result = await collect({ system: SYSTEM, stream });
        expect({ stream, text: result.text }).toEqual({ stream, text: plan.text });
        // LM Studio streams no usage; where a kind does, it is the chat's.
        if (!quirks.streamsPromptTokens) continue;
        expect(result.end.usage).toEqual({
          prompt_tokens: plan.promptTokens,
          completion_tokens: plan.completionTokens,
        });
      }
    });

    it('answers JSON mode and a schema with the system prompt applied', async () => {
      const json = await collect({ system: SYSTEM, response_format: { type: 'json_object' } });
      const plan = oracle.completion({
        model: models.chat,
        messages: withSystem,
        format: quirks.jsonModeFormat,
      });
      expect(json.text).toBe(plan.text);
      expect(JSON.parse(json.text)).toEqual(expect.any(Object));

      const typed = await collect({
        system: SYSTEM,
        response_format: { type: 'json_schema', name: 'user', schema },
      });
      expect(JSON.parse(typed.text)).toEqual({ name: expect.any(String), age: expect.any(Number) });
    });

    it('answers JSON mode without a system prompt, the prompt as the user message', async () => {
      const result = await collect({ response_format: { type: 'json_object' } });
      const plan = oracle.completion({
        model: models.chat,
        messages: [{ role: 'user', content: PROMPT }],
        format: quirks.jsonModeFormat,
      });
      expect(result.text).toBe(plan.text);
    });

    it('sends a completion that asks to think as a chat, and returns the reasoning apart', async () => {
      const result = await collect({ reasoning_effort: 'high' }, models.think);
      const plan = oracle.completion({
        model: models.think,
        messages: [{ role: 'user', content: PROMPT }],
      });
      expect(plan.thinking).not.toBe('');
      const { reasoning, text } = assembleDeltas(result.deltas);
      expect(reasoning).toBe(plan.thinking);
      expect(text).toBe(plan.text);
    });

    it('leaves a completion with reasoning effort none on the completion route', async () => {
      const result = await collect({ reasoning_effort: 'none' }, models.think);
      const plan = oracle.completion({ model: models.think, prompt: PROMPT });
      expect(assembleDeltas(result.deltas).reasoning).toBe('');
      expect(result.text).toBe(plan.text);
    });

    it('refuses a suffix beside a system prompt or structured output, naming both', async () => {
      const refusals = [
        [{ system: SYSTEM }, 'a system prompt'],
        [{ response_format: { type: 'json_object' } }, 'structured output'],
      ] as const;
      for (const [extra, feature] of refusals) {
        const error = await collect({ ...extra, suffix: '}' }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(SwitchyardError);
        expect(error).toMatchObject({
          code: 'unsupported',
          retryable: false,
          message: `${profile.name} applies ${feature} only to chats, which have no suffix: send ${feature} or a suffix, not both`,
        });
      }
    });

    it('refuses a raw completion that only a chat would serve, and serves raw alone', async () => {
      const refusals = [
        [{ response_format: { type: 'json_object' } }, 'structured output'],
        [{ reasoning_effort: 'high' }, 'thinking'],
      ] as const;
      for (const [extra, feature] of refusals) {
        const error = await collect({ ...extra, raw: true }, models.think).catch(
          (caught: unknown) => caught,
        );
        expect(error).toMatchObject({
          code: 'unsupported',
          retryable: false,
          message: `${profile.name} applies ${feature} only to chats, which apply the model's chat template: send ${feature} or raw, not both`,
        });
      }
      const raw = await collect({ raw: true });
      expect(raw.text).toBe(oracle.completion({ model: models.chat, prompt: PROMPT }).text);
    });
  });
}
