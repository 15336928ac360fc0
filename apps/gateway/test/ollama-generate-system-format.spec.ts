import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const OLLAMA_MODEL = 'llama3.2:latest';
const prompt = 'Describe a user.';
const system = 'You describe people in JSON.';
const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
};

// `ollama.generate` with a system prompt and a format, through the gateway, with the official
// ollama client. The simulators seed every answer from what the backend was given (a vLLM chat
// from its `role: text` lines, an Ollama generate from `system: …` and the prompt) and answer a
// format with JSON, so the answer shows that the system prompt and the format reached the
// backend, whatever its kind.
describe('Ollama generate with a system prompt and a format (ollama SDK)', () => {
  let fleet: Fleet;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'vllm' }, { kind: 'ollama' }] });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('gives a vLLM backend the system prompt and JSON mode, streamed and whole', async () => {
    const plan = expectedCompletion({
      model: VLLM_MODEL,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: prompt },
      ],
      format: 'json',
    });
    const whole = await ollama.generate({ model: VLLM_MODEL, prompt, system, format: 'json' });
    expect(whole.response).toBe(plan.text);
    expect(JSON.parse(whole.response ?? '')).toEqual({ answer: expect.any(String) });
    expect(whole.prompt_eval_count).toBe(plan.promptTokens);

    let streamed = '';
    const stream = await ollama.generate({
      model: VLLM_MODEL,
      prompt,
      system,
      format: 'json',
      stream: true,
    });
    for await (const part of stream) streamed += part.response;
    expect(streamed).toBe(plan.text);
  });

  it('gives a vLLM backend a JSON schema', async () => {
    const answer = await ollama.generate({ model: VLLM_MODEL, prompt, system, format: schema });
    expect(JSON.parse(answer.response ?? '')).toEqual({
      name: expect.any(String),
      age: expect.any(Number),
    });
  });

  it('gives an Ollama backend its system prompt and format as Ollama fields, as before', async () => {
    const answer = await ollama.generate({ model: OLLAMA_MODEL, prompt, system, format: 'json' });
    expect(answer.response).toBe(
      expectedCompletion({ model: OLLAMA_MODEL, prompt, system, format: 'json' }).text,
    );
  });

  it('refuses raw mode with a system prompt in Ollama words, and a suffix vLLM cannot place', async () => {
    await expect(
      ollama.generate({ model: VLLM_MODEL, prompt, system, raw: true }),
    ).rejects.toMatchObject({
      status_code: 400,
      error: 'raw mode does not support template, system, or context',
    });
    await expect(
      ollama.generate({ model: VLLM_MODEL, prompt, system, suffix: '}' }),
    ).rejects.toMatchObject({
      status_code: 400,
      error:
        'vLLM applies a system prompt only to chats, which have no suffix: send a system prompt or a suffix, not both',
    });
  });

  it('keeps raw mode raw: Ollama gets it, vLLM refuses raw with a format a chat would template', async () => {
    // The simulated Ollama, like Ollama, returns no `context` for a raw generate.
    const onOllama = await ollama.generate({
      model: OLLAMA_MODEL,
      prompt,
      raw: true,
      format: 'json',
    });
    expect(onOllama.context).toBeUndefined();
    expect(onOllama.response).toBe(
      expectedCompletion({ model: OLLAMA_MODEL, prompt, format: 'json' }).text,
    );

    await expect(
      ollama.generate({ model: VLLM_MODEL, prompt, raw: true, format: 'json' }),
    ).rejects.toMatchObject({
      status_code: 400,
      error:
        "vLLM applies structured output only to chats, which apply the model's chat template: send structured output or raw, not both",
    });
    // Raw alone is what a vLLM completion is anyway.
    const plain = await ollama.generate({ model: VLLM_MODEL, prompt, raw: true });
    expect(plain.response).toBe(expectedCompletion({ model: VLLM_MODEL, prompt }).text);
  });
});
