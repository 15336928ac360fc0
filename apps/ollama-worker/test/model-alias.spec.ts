import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError } from '@switchyard/contracts';
import { chatRequest, plainMessages, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

describe('Ollama model names with and without the latest tag', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    bed = await startOllamaTestbed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  it.each([
    ['the bare name', 'llama3.2', undefined],
    ['the bare name pinned to the ollama kind', 'llama3.2', 'ollama' as const],
  ])('reaches a worker serving llama3.2:latest by %s', async (_how, model, kind) => {
    const request = chatRequest(model, 'Hello there');
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: plainMessages(request.messages),
    });

    const result = await bed.client.collect(bed.subjects.chat(model, kind), request, {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
    });

    expect(result.text).toBe(plan.text);
    expect(result.start.backend).toBe('ollama-0');
    // The end names the model the alias stands for, where Ollama repeats the name it was given.
    expect(result.end.model).toBe(MODELS.chat);
  });

  it('does not stretch an alias to another tag', async () => {
    const error = await bed.client
      .collect(bed.subjects.chat('llama3.2:1b'), chatRequest('llama3.2:1b', 'Hi'), {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'no_responders' });
  });
});
