import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { completionRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

const PROMPT = 'Once upon a time';
const timeoutMs = 10_000 + SCHEDULING_SLACK_MS;

// A prompt of the model's token ids, as a client with the model's own tokenizer (an evaluation
// harness) sends it, reaches vLLM as ids and is answered as the text they stand for.
describe('completions with a prompt of token ids through the vLLM worker', () => {
  let bed: VllmTestbed;
  let ids: number[];

  beforeAll(async () => {
    bed = await startVllmTestbed({ backends: [{ models: [MODELS.chat] }] });
    const tokenized = await fetch(`${bed.backend.url}/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODELS.chat, prompt: PROMPT }),
    });
    ids = ((await tokenized.json()) as { tokens: number[] }).tokens;
  });
  afterAll(() => bed?.close());

  it('answers the ids as the text they stand for, echoed as that text', async () => {
    expect(ids.length).toBeGreaterThan(1);
    const plan = expectedCompletion({ model: MODELS.chat, prompt: PROMPT, maxTokens: 4 });
    const result = await bed.client.collect(
      bed.subjects.complete(MODELS.chat),
      completionRequest(MODELS.chat, ids, { max_tokens: 4 }),
      { timeoutMs },
    );
    expect(result.text).toBe(plan.text);
    const echoed = await bed.client.collect(
      bed.subjects.complete(MODELS.chat),
      completionRequest(MODELS.chat, ids, { max_tokens: 4, echo: true, logprobs: 0 }),
      { timeoutMs },
    );
    expect(echoed.text).toBe(PROMPT + plan.text);
    expect(echoed.deltas.flatMap((delta) => delta.logprobs ?? [])[0]).toMatchObject({
      logprob: null,
    });
  });

  it('refuses token ids on a completion that must go as a chat, naming prompt', async () => {
    await expect(
      bed.client.collect(
        bed.subjects.complete(MODELS.chat),
        completionRequest(MODELS.chat, ids, { system: 'Be brief.' }),
        { timeoutMs },
      ),
    ).rejects.toMatchObject({ code: 'unsupported', details: { param: 'prompt' } });
  });
});
