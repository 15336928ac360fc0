import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError } from '@switchyard/contracts';
import { assembleDeltas, chatRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

// The simulator records no options, but it checks their types as Ollama does and honours
// num_predict and think; that is what makes options.ollama observable at the backend.
describe('Ollama options passed through the worker', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    bed = await startOllamaTestbed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  function collect(model: string, options: Record<string, unknown>) {
    return bed.client.collect(
      bed.subjects.chat(model),
      chatRequest(model, 'Tell me a story.', { options: { ollama: options } }),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    );
  }

  it('puts runtime options such as num_predict into the request’s options', async () => {
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [{ role: 'user', content: 'Tell me a story.' }],
      maxTokens: 3,
    });

    const result = await collect(MODELS.chat, { num_ctx: 8192, num_predict: 3 });

    expect(result.text).toBe(plan.text);
    expect(result.end).toMatchObject({ finish_reason: 'length', usage: { completion_tokens: 3 } });
  });

  it('delivers num_ctx to the backend, which checks it', async () => {
    const error = await collect(MODELS.chat, { num_ctx: 'large' }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'bad_request', retryable: false });
    expect((error as SwitchyardError).message).toBe('option "num_ctx" must be of type integer');
  });

  it('puts request fields such as think at the top level', async () => {
    const result = await collect(MODELS.think, { think: false });

    expect(assembleDeltas(result.deltas).reasoning).toBe('');
    expect(result.text).toBe(
      expectedCompletion({
        model: MODELS.think,
        messages: [{ role: 'user', content: 'Tell me a story.' }],
        think: false,
      }).text,
    );
  });
});
