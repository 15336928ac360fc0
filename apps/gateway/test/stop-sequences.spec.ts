import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type GenerationQuery } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// The model each simulator serves by default.
const MODELS = [
  ['ollama', 'llama3.2:latest'],
  ['vllm', 'Qwen/Qwen2.5-0.5B-Instruct'],
  ['lmstudio', 'qwen2.5-7b-instruct'],
] as const;
const messages = [{ role: 'user' as const, content: 'Tell me about the sea.' }];

/**
 * A stop sequence the model's answer contains (the third word of the answer planned without
 * one) and the answer the backend gives when the stop sequence reaches it: the text before the
 * word's first occurrence.
 */
function stopCase(model: string) {
  const query: GenerationQuery = { model, messages };
  const word = (expectedCompletion(query).pieces[2] as string).trim();
  const expected = expectedCompletion({ ...query, stop: [word] }).text;
  expect(expectedCompletion(query).text).toContain(word);
  expect(expected).not.toContain(word);
  return { word, expected };
}

// A client's stop sequence reaches every kind of backend and is honoured there: the simulators,
// like Ollama, vLLM and LM Studio, end the answer before the stop sequence, without it, with
// finish reason stop. Without the stop sequence the answer would contain the word.
describe('stop sequences through the gateway, to every kind of backend', () => {
  let fleet: Fleet;
  let openai: OpenAI;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }, { kind: 'vllm' }, { kind: 'lmstudio' }],
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it.each(MODELS)('OpenAI chat to %s (%s): stop as a string', async (_kind, model) => {
    const { word, expected } = stopCase(model);
    const completion = await openai.chat.completions.create({ model, messages, stop: word });
    expect(completion.choices[0]?.message.content).toBe(expected);
    expect(completion.choices[0]?.message.content).not.toContain(word);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it.each(MODELS)('OpenAI chat to %s (%s), streamed: stop as an array', async (_kind, model) => {
    const { word, expected } = stopCase(model);
    const stream = await openai.chat.completions.create({
      model,
      messages,
      stop: [word],
      stream: true,
    });
    let text = '';
    const finishReasons: (string | null)[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]) finishReasons.push(chunk.choices[0].finish_reason);
    }
    expect(text).toBe(expected);
    expect(text).not.toContain(word);
    expect(finishReasons.filter((reason) => reason !== null)).toEqual(['stop']);
  });

  it.each(MODELS)('Ollama chat to %s (%s): options.stop, whole and streamed', async (_k, model) => {
    const { word, expected } = stopCase(model);
    const whole = await ollama.chat({ model, messages, options: { stop: [word] } });
    expect(whole.message.content).toBe(expected);
    expect(whole.message.content).not.toContain(word);
    expect(whole.done_reason).toBe('stop');

    const stream = await ollama.chat({ model, messages, options: { stop: [word] }, stream: true });
    let text = '';
    let doneReason: string | undefined;
    for await (const part of stream) {
      text += part.message.content;
      if (part.done) doneReason = part.done_reason;
    }
    expect(text).toBe(expected);
    expect(doneReason).toBe('stop');
  });
});
