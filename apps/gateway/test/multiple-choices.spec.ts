import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import OpenAI, { BadRequestError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const OLLAMA_MODEL = 'llama3.2:latest';
const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
/** Small, so one long prompt of a list is too long for vLLM while the others are not. */
const VLLM_CONTEXT = 200;
const messages = [{ role: 'user' as const, content: 'Name a river.' }];
const prompts = ['The sea is', 'A river runs', 'Mountains are'];

// `n` and a list of prompts, which Ollama serves neither of, through the official client: the
// gateway asks for each choice as a request of its own and answers with all of them in order.
describe('answers with several choices through the gateway (openai SDK)', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim: { tokensPerSecond: 500 } },
        { kind: 'vllm', sim: { tokensPerSecond: 20, contextLength: VLLM_CONTEXT } },
      ],
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers a chat with n choices, each asked of the backend, the prompt counted once', async () => {
    const before = fleet.sim('ollama').stats().received;
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages });
    const completion = await client.chat.completions.create({
      model: OLLAMA_MODEL,
      messages,
      n: 3,
    });
    expect(completion.choices.map(({ index }) => index)).toEqual([0, 1, 2]);
    for (const choice of completion.choices) {
      expect(choice.message.content).toBe(plan.text);
      expect(choice.finish_reason).toBe('stop');
    }
    expect(completion.usage).toEqual({
      prompt_tokens: plan.promptTokens,
      completion_tokens: 3 * plan.completionTokens,
      total_tokens: plan.promptTokens + 3 * plan.completionTokens,
    });
    expect(fleet.sim('ollama').stats().received - before).toBe(3);
  });

  it('samples n different answers with a fixed seed, as the seed moved on by one per choice', async () => {
    const planFor = (seed: number) => expectedCompletion({ model: OLLAMA_MODEL, messages, seed });
    const completion = await client.chat.completions.create({
      model: OLLAMA_MODEL,
      messages,
      n: 3,
      seed: 7,
    });
    const texts = completion.choices.map((choice) => choice.message.content);
    expect(texts).toEqual([planFor(7).text, planFor(8).text, planFor(9).text]);
    expect(new Set(texts).size).toBe(3);
  });

  it('streams n choices, each with its index, its own finish and one usage chunk last', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages });
    const stream = await client.chat.completions.create({
      model: OLLAMA_MODEL,
      messages,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ['', ''];
    const finishes: (string | null)[][] = [[], []];
    const usages: unknown[] = [];
    for await (const chunk of stream) {
      if (chunk.usage) usages.push(chunk.usage);
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? '';
        if (choice.finish_reason !== null) finishes[choice.index]?.push(choice.finish_reason);
      }
    }
    expect(texts).toEqual([plan.text, plan.text]);
    expect(finishes).toEqual([['stop'], ['stop']]);
    expect(usages).toEqual([
      {
        prompt_tokens: plan.promptTokens,
        completion_tokens: 2 * plan.completionTokens,
        total_tokens: plan.promptTokens + 2 * plan.completionTokens,
      },
    ]);
  });

  it("answers a list of prompts with n choices each, in OpenAI's order, whole and streamed", async () => {
    const plans = prompts.map((prompt) =>
      expectedCompletion({ model: OLLAMA_MODEL, prompt, maxTokens: 5 }),
    );
    const whole = await client.completions.create({
      model: OLLAMA_MODEL,
      prompt: prompts,
      n: 2,
      max_tokens: 5,
    });
    expect(whole.choices.map(({ index, text }) => ({ index, text }))).toEqual(
      plans.flatMap((plan, i) => [
        { index: 2 * i, text: plan.text },
        { index: 2 * i + 1, text: plan.text },
      ]),
    );
    expect(whole.usage).toEqual({
      prompt_tokens: plans.reduce((sum, plan) => sum + plan.promptTokens, 0),
      completion_tokens: 2 * plans.reduce((sum, plan) => sum + plan.completionTokens, 0),
      total_tokens: plans.reduce(
        (sum, plan) => sum + plan.promptTokens + 2 * plan.completionTokens,
        0,
      ),
    });

    const texts = prompts.map(() => '');
    const stream = await client.completions.create({
      model: OLLAMA_MODEL,
      prompt: prompts,
      max_tokens: 5,
      stream: true,
    });
    for await (const chunk of stream) {
      for (const choice of chunk.choices) texts[choice.index] += choice.text;
    }
    expect(texts).toEqual(plans.map((plan) => plan.text));
  });

  it('gives each choice its log-probabilities', async () => {
    const plan = expectedCompletion({ model: VLLM_MODEL, messages, maxTokens: 4, logprobs: 1 });
    const completion = await client.chat.completions.create({
      model: VLLM_MODEL,
      messages,
      n: 2,
      max_tokens: 4,
      logprobs: true,
      top_logprobs: 1,
    });
    for (const choice of completion.choices) {
      expect(choice.message.content).toBe(plan.text);
      expect(choice.logprobs?.content?.map(({ token }) => token)).toEqual(
        plan.logprobs?.map(({ token }) => token),
      );
    }
  });

  it('fails the answer when one choice fails, and cancels the others at the backend', async () => {
    const vllm = fleet.sim('vllm');
    const before = vllm.stats();
    const long = 'word '.repeat(2 * VLLM_CONTEXT);
    const call = client.completions.create({
      model: VLLM_MODEL,
      prompt: ['Count to a hundred:', 'Name every river:', long],
      max_tokens: 100,
    });
    await expect(call).rejects.toBeInstanceOf(BadRequestError);
    await expect(call).rejects.toMatchObject({
      code: 'context_length_exceeded',
    });
    // The two sent beside it would generate for 5 s (100 tokens, 20 a second): they are stopped.
    await waitFor(() => vllm.stats().aborted - before.aborted === 2, {
      description: 'the other choices to be cancelled at the backend',
    });
    expect(vllm.stats().active).toBe(0);
    expect(vllm.stats().completed).toBe(before.completed);
  });

  it('cancels every choice at the backend when the client leaves a streamed answer', async () => {
    const vllm = fleet.sim('vllm');
    const before = vllm.stats();
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: VLLM_MODEL, messages, n: 3, stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    // The SDK ends the iteration quietly when its signal aborts.
    for await (const _chunk of stream) {
      if (++chunks === 6) controller.abort();
    }
    // Each answer runs 16 tokens at 20 a second, 0.8 s: without the cancel they complete.
    await waitFor(() => vllm.stats().aborted - before.aborted === 3, {
      description: 'all three choices to be cancelled at the backend',
    });
    expect(vllm.stats().completed).toBe(before.completed);
  });

  it('refuses more choices than the bound, naming n', async () => {
    const refused = client.completions.create({
      model: OLLAMA_MODEL,
      prompt: prompts,
      n: 22,
    });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      param: 'n',
      message: expect.stringContaining('prompts × n must be at most 64'),
    });
  });
});
