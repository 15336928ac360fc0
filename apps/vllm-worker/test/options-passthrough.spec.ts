import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { assembleDeltas, chatRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

const QUESTION = 'Tell me a story.';

describe('vLLM options passed through the worker', () => {
  let bed: VllmTestbed;

  beforeAll(async () => {
    bed = await startVllmTestbed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  function collect(model: string, options: Record<string, unknown>) {
    return bed.client.collect(
      bed.subjects.chat(model),
      chatRequest(model, QUESTION, { options: { vllm: options } }),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    );
  }

  it('merges options.vllm over the body: chat_template_kwargs reach the chat template', async () => {
    const result = await collect(MODELS.think, {
      chat_template_kwargs: { enable_thinking: false },
    });

    expect(assembleDeltas(result.deltas).reasoning).toBe('');
    expect(result.text).toBe(
      expectedCompletion({
        model: MODELS.think,
        messages: [{ role: 'user', content: QUESTION }],
        think: false,
      }).text,
    );
  });

  it('sends fields the canonical request lacks, and keeps the ones that must stay', async () => {
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [{ role: 'user', content: QUESTION }],
      maxTokens: 3,
    });

    // `stream: false` would break the worker's reading; passthrough cannot change it.
    const result = await collect(MODELS.chat, {
      max_tokens: 3,
      stream: false,
      model: MODELS.think,
    });

    expect(result.text).toBe(plan.pieces.join(''));
    expect(result.end).toMatchObject({ finish_reason: 'length', model: MODELS.chat });
  });
});
