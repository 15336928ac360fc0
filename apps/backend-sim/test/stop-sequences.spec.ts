import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type GenerationQuery, type RunningSimulator } from '../src/index.js';
import { parseSse, postJson, readNdjson, readSse, startFastSimulator } from './support/http.js';

/** The parts of an SSE chunk (chat or completion) these tests read. */
interface Chunk {
  choices: {
    text?: string;
    delta?: { content?: string | null };
    finish_reason: string | null;
    stop_reason?: string | null;
  }[];
}

const messages = [{ role: 'user', content: 'Tell me about the sea.' }];
const prompt = 'Once upon a time';

/**
 * A stop sequence the answer to `query` contains (its third word) and the answer with it: what
 * Ollama, vLLM and LM Studio say, the text before the stop sequence, without it.
 */
function stopCase(query: GenerationQuery) {
  const full = expectedCompletion(query);
  const word = (full.pieces[2] as string).trim();
  const plan = expectedCompletion({ ...query, stop: [word] });
  expect(full.text).toContain(word);
  expect(plan.text).not.toContain(word);
  expect(plan.finishReason).toBe('stop');
  return { word, plan };
}

/** The `data:` chunks of an SSE answer, without `[DONE]`. */
const chunksOf = (events: unknown[]) =>
  events.filter((event): event is Chunk => event !== '[DONE]');

const post = async (url: string, body: unknown) => (await postJson(url, body)).json();

// Every generating route of every kind reads its request's stop sequences in the kind's own
// field: Ollama native `options.stop` (an array), the OpenAI-style `stop` (a string or an array).
describe('stop sequences on every route', () => {
  let ollama: RunningSimulator;
  let vllm: RunningSimulator;
  let lmstudio: RunningSimulator;
  beforeAll(async () => {
    [ollama, vllm, lmstudio] = await Promise.all([
      startFastSimulator({ kind: 'ollama' }),
      startFastSimulator({ kind: 'vllm', models: ['my-model'] }),
      startFastSimulator({ kind: 'lmstudio' }),
    ]);
  });
  afterAll(() => Promise.all([ollama.close(), vllm.close(), lmstudio.close()]));

  it('Ollama native: /api/chat and /api/generate, whole and streamed, read options.stop', async () => {
    const chat = stopCase({ model: 'llama3.2:latest', messages });
    expect(
      await post(`${ollama.url}/api/chat`, {
        model: 'llama3.2',
        messages,
        options: { stop: [chat.word] },
        stream: false,
      }),
    ).toMatchObject({
      message: { content: chat.plan.text },
      done_reason: 'stop',
      eval_count: chat.plan.completionTokens,
    });

    const generate = stopCase({ model: 'llama3.2:latest', prompt });
    const lines = await readNdjson(
      await postJson(`${ollama.url}/api/generate`, {
        model: 'llama3.2',
        prompt,
        options: { stop: [generate.word] },
      }),
    );
    expect(lines.map((line) => line.response).join('')).toBe(generate.plan.text);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('Ollama /v1: chat and completions take a string or an array', async () => {
    const chat = stopCase({ model: 'llama3.2:latest', messages });
    expect(
      await post(`${ollama.url}/v1/chat/completions`, {
        model: 'llama3.2',
        messages,
        stop: chat.word,
      }),
    ).toMatchObject({
      choices: [{ message: { content: chat.plan.text }, finish_reason: 'stop' }],
    });

    const completion = stopCase({ model: 'llama3.2:latest', prompt });
    const chunks = chunksOf(
      await readSse(
        await postJson(`${ollama.url}/v1/completions`, {
          model: 'llama3.2',
          prompt,
          stop: [completion.word],
          stream: true,
        }),
      ),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.text).join('')).toBe(completion.plan.text);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('vLLM: chat and completions, whole and streamed, name the stop sequence in stop_reason', async () => {
    const chat = stopCase({ model: 'my-model', messages });
    expect(
      await post(`${vllm.url}/v1/chat/completions`, {
        model: 'my-model',
        messages,
        stop: [chat.word],
      }),
    ).toMatchObject({
      choices: [
        { message: { content: chat.plan.text }, finish_reason: 'stop', stop_reason: chat.word },
      ],
      usage: { completion_tokens: chat.plan.completionTokens },
    });
    const streamed = chunksOf(
      parseSse(
        await (
          await postJson(`${vllm.url}/v1/chat/completions`, {
            model: 'my-model',
            messages,
            stop: chat.word,
            stream: true,
          })
        ).text(),
      ),
    );
    expect(streamed.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(
      chat.plan.text,
    );
    expect(streamed.at(-1)?.choices[0]).toMatchObject({
      finish_reason: 'stop',
      stop_reason: chat.word,
    });

    const completion = stopCase({ model: 'my-model', prompt });
    expect(
      await post(`${vllm.url}/v1/completions`, {
        model: 'my-model',
        prompt,
        stop: completion.word,
      }),
    ).toMatchObject({
      choices: [
        { text: completion.plan.text, finish_reason: 'stop', stop_reason: completion.word },
      ],
    });
    // Without a stop sequence in the answer, stop_reason stays null (the end of the text).
    expect(
      await post(`${vllm.url}/v1/completions`, { model: 'my-model', prompt, stop: ['§'] }),
    ).toMatchObject({ choices: [{ finish_reason: 'stop', stop_reason: null }] });
  });

  it('LM Studio: chat and completions, and stopStringFound in /api/v0 stats', async () => {
    const chat = stopCase({ model: 'qwen2.5-7b-instruct', messages });
    expect(
      await post(`${lmstudio.url}/api/v0/chat/completions`, {
        model: 'qwen2.5-7b-instruct',
        messages,
        stop: [chat.word],
      }),
    ).toMatchObject({
      choices: [{ message: { content: chat.plan.text }, finish_reason: 'stop' }],
      stats: { stop_reason: 'stopStringFound' },
    });

    const completion = stopCase({ model: 'qwen2.5-7b-instruct', prompt });
    expect(
      await post(`${lmstudio.url}/v1/completions`, {
        model: 'qwen2.5-7b-instruct',
        prompt,
        stop: completion.word,
      }),
    ).toMatchObject({ choices: [{ text: completion.plan.text, finish_reason: 'stop' }] });
  });

  it('refuses a stop that is not a string or strings, in each kind’s words', async () => {
    const ask = async (sim: RunningSimulator, path: string, body: Record<string, unknown>) => {
      const response = await postJson(`${sim.url}${path}`, body);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const native = { model: 'llama3.2', prompt, stream: false };
    expect(await ask(ollama, '/api/generate', { ...native, options: { stop: 'sea' } })).toEqual({
      status: 500,
      body: { error: 'option "stop" must be of type array' },
    });
    expect(await ask(ollama, '/api/chat', { ...native, messages, options: { stop: [1] } })).toEqual(
      { status: 500, body: { error: 'option "stop" must be of an array of strings' } },
    );
    const wrong = { messages, prompt, stop: 5 };
    const message = 'stop must be a string or an array of strings';
    for (const path of ['/v1/chat/completions', '/v1/completions']) {
      expect(await ask(ollama, path, { ...wrong, model: 'llama3.2' })).toMatchObject({
        status: 400,
        body: { error: { message } },
      });
      expect(await ask(vllm, path, { ...wrong, model: 'my-model' })).toMatchObject({
        status: 400,
        body: { error: { message: `stop: ${message}`, param: 'stop' } },
      });
      expect(await ask(lmstudio, path, { ...wrong, model: 'qwen2.5-7b-instruct' })).toMatchObject({
        status: 400,
        body: { error: { message, param: 'stop' } },
      });
    }
  });
});
