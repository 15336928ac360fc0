import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError, type CompletionRequest } from '@switchyard/contracts';
import { completionRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

const PROMPT = 'Describe a user.';
const SYSTEM = 'You describe people in JSON.';
const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
};

// vLLM applies a chat template (and so a system prompt) only to chats, and honours only
// `json_object` on /v1/completions: the worker sends such completions as chats. The simulator
// seeds a chat's answer from its `role: text` lines and a completion's from the prompt alone, so
// the answer shows which route the backend was asked on and what it was given.
describe('completions with a system prompt or structured output through the vLLM worker', () => {
  let bed: VllmTestbed;

  beforeAll(async () => {
    bed = await startVllmTestbed({ backends: [{}] });
  });

  afterAll(async () => {
    await bed?.close();
  });

  function collect(extra: Partial<CompletionRequest>) {
    return bed.client.collect(
      bed.subjects.complete(MODELS.chat),
      completionRequest(MODELS.chat, PROMPT, extra),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    );
  }

  it('sends the system prompt and the prompt as a chat, streamed and whole', async () => {
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: PROMPT },
      ],
    });
    for (const stream of [true, false]) {
      const result = await collect({ system: SYSTEM, stream });
      expect({ stream, text: result.text }).toEqual({ stream, text: plan.text });
      expect(result.end.usage).toEqual({
        prompt_tokens: plan.promptTokens,
        completion_tokens: plan.completionTokens,
      });
    }
  });

  it('answers JSON mode and a schema with the system prompt applied', async () => {
    const messages = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: PROMPT },
    ];
    const json = await collect({ system: SYSTEM, response_format: { type: 'json_object' } });
    expect(json.text).toBe(
      expectedCompletion({ model: MODELS.chat, messages, format: 'json' }).text,
    );
    expect(JSON.parse(json.text)).toEqual({ answer: expect.any(String) });

    const typed = await collect({
      system: SYSTEM,
      response_format: { type: 'json_schema', name: 'user', schema },
    });
    expect(JSON.parse(typed.text)).toEqual({ name: expect.any(String), age: expect.any(Number) });
  });

  it('answers JSON mode without a system prompt, the prompt as the user message', async () => {
    const result = await collect({ response_format: { type: 'json_object' } });
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [{ role: 'user', content: PROMPT }],
      format: 'json',
    });
    expect(result.text).toBe(plan.text);
  });

  it('refuses a suffix beside a system prompt, naming both', async () => {
    const error = await collect({ system: SYSTEM, suffix: '}' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({
      code: 'unsupported',
      retryable: false,
      message:
        'vLLM applies a system prompt only to chats, which have no suffix: send a system prompt or a suffix, not both',
    });
  });
});
