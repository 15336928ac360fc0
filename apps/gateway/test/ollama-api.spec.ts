import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { expectedCompletion, expectedEmbedding } from '@switchyard/backend-sim';
import { Ollama } from 'ollama';
import { MAX_EMBEDDING_INPUTS } from '@switchyard/contracts';
import { MAX_OLLAMA_EMBED_INPUTS } from '../src/ollama/ollama-request.translator.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const EMBEDDER = 'all-minilm:latest';
const messages = [{ role: 'user', content: 'Name a river.' }];

describe('the Ollama API through the gateway (ollama SDK)', () => {
  let fleet: Fleet;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }, { kind: 'vllm' }] });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('streams a chat as NDJSON, with a final object carrying done_reason and durations', async () => {
    const plan = expectedCompletion({ model: MODEL, messages });
    let text = '';
    let last: Record<string, unknown> = {};
    for await (const part of await ollama.chat({ model: 'llama3.2', messages, stream: true })) {
      text += part.message.content;
      last = part as unknown as Record<string, unknown>;
    }
    expect(text).toBe(plan.text);
    expect(last).toMatchObject({
      done: true,
      done_reason: 'stop',
      eval_count: plan.completionTokens,
    });
    expect(Number.isInteger(last['total_duration'])).toBe(true);
    expect(last['prompt_eval_count']).toBe(plan.promptTokens);
  });

  it('answers a chat with stream:false, for a model behind vLLM too', async () => {
    const answer = await ollama.chat({ model: VLLM_MODEL, messages, stream: false });
    expect(answer.message.content).toBe(expectedCompletion({ model: VLLM_MODEL, messages }).text);
    expect(answer.done_reason).toBe('stop');
  });

  it('generates, streamed and not, honouring num_predict', async () => {
    const prompt = 'Why is the sky blue?';
    const plan = expectedCompletion({ model: MODEL, prompt, maxTokens: 4 });
    const whole = await ollama.generate({ model: MODEL, prompt, options: { num_predict: 4 } });
    expect(whole.response).toBe(plan.text);
    expect(whole.done_reason).toBe('length');
    let text = '';
    const stream = await ollama.generate({
      model: MODEL,
      prompt,
      stream: true,
      options: { num_predict: 4 },
    });
    for await (const part of stream) text += part.response;
    expect(text).toBe(plan.text);
  });

  it('embeds with /api/embed and the legacy /api/embeddings', async () => {
    const result = await ollama.embed({ model: EMBEDDER, input: ['alpha', 'beta'] });
    expect(result.embeddings).toHaveLength(2);
    // Every statistic Ollama's answer has (clients such as ollama-ai-provider-v2 require them).
    expect(result).toMatchObject({
      total_duration: expect.any(Number),
      load_duration: expect.any(Number),
      prompt_eval_count: expect.any(Number),
    });
    expect(result.embeddings[1]).toEqual(
      Array.from(expectedEmbedding({ model: EMBEDDER, text: 'beta' })),
    );
    const legacy = await ollama.embeddings({ model: EMBEDDER, prompt: 'alpha' });
    expect(legacy.embedding).toHaveLength(384);
  });

  // LangChain's OllamaEmbeddings sends a whole document set in one request; Ollama sets no limit.
  it('embeds more texts in one /api/embed than one canonical request holds, in order', async () => {
    const input = Array.from({ length: MAX_EMBEDDING_INPUTS + 3 }, (_, i) => `text ${i}`);
    const result = await ollama.embed({ model: EMBEDDER, input });
    expect(result.embeddings).toHaveLength(input.length);
    for (const i of [0, MAX_EMBEDDING_INPUTS - 1, MAX_EMBEDDING_INPUTS, input.length - 1]) {
      expect([i, result.embeddings[i]]).toEqual([
        i,
        Array.from(expectedEmbedding({ model: EMBEDDER, text: `text ${i}` })),
      ]);
    }
    // Each text is two tokens by the simulator's count, in whichever request it went.
    expect(result.prompt_eval_count).toBe(2 * input.length);
    const tooMany = Array.from({ length: MAX_OLLAMA_EMBED_INPUTS + 1 }, () => 'x');
    await expect(ollama.embed({ model: EMBEDDER, input: tooMany })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining(`input holds at most ${MAX_OLLAMA_EMBED_INPUTS} strings`),
    });
  });

  it('writes a large /api/embed answer as it is made, not built whole', async () => {
    const input = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const response = await fetch(`${fleet.url}/api/embed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: EMBEDDER, input }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const answer = (await response.json()) as { model: string; embeddings: number[][] };
    expect(answer).toMatchObject({ model: EMBEDDER, prompt_eval_count: 2 * input.length });
    expect(answer.embeddings).toHaveLength(input.length);
    expect(answer.embeddings[199]).toEqual(
      Array.from(expectedEmbedding({ model: EMBEDDER, text: 'text 199' })),
    );
  });

  it('passes runtime options such as num_ctx on to an embedding', async () => {
    const input = 'a long document of many words that the embedding model reads';
    const embed = (num_ctx: number) =>
      ollama.embed({ model: EMBEDDER, input, truncate: false, options: { num_ctx } });
    expect((await embed(64)).embeddings).toHaveLength(1);
    // Ollama refuses input longer than the context the request set, when told not to truncate.
    await expect(embed(4)).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringContaining('the input length exceeds the context length'),
    });
  });

  it('lists tags and running models, and shows a model', async () => {
    const tags = await ollama.list();
    expect(tags.models.map((model) => model.name)).toEqual(
      expect.arrayContaining([MODEL, EMBEDDER, VLLM_MODEL]),
    );
    // Each model once, as Ollama lists it: the bare name routes but is not a model of its own.
    expect(tags.models.map((model) => model.name)).not.toContain(MODEL.replace(':latest', ''));
    const ps = await ollama.ps();
    expect(ps.models.map((model) => model.name)).toContain(MODEL);
    expect(ps.models.map((model) => model.name)).not.toContain(MODEL.replace(':latest', ''));
    const shown = await ollama.show({ model: MODEL });
    expect(shown).toMatchObject({ details: expect.any(Object), kinds: ['ollama'] });
    // What clients read to offer tools or images: Ollama's words, whatever the backend's kind.
    expect(shown.capabilities).toEqual(['completion', 'tools']);
    expect((await ollama.show({ model: EMBEDDER })).capabilities).toEqual(['embedding']);
    // vLLM does not say whether it was started with tool calling: only what is known is listed.
    expect((await ollama.show({ model: VLLM_MODEL })).capabilities).toEqual(['completion']);
    const listed = tags.models.find((model) => model.name === MODEL) as unknown as {
      capabilities?: string[];
    };
    expect(listed.capabilities).toEqual(['completion', 'tools']);
    await expect(ollama.show({ model: 'missing:latest' })).rejects.toMatchObject({
      status_code: 404,
    });
  });

  it('answers delete 503 naming the registry when no discovery keeps one (no JetStream here)', async () => {
    const response = await fetch(`${fleet.url}/api/delete`, {
      method: 'DELETE',
      body: JSON.stringify({ model: MODEL }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: expect.stringContaining('fleet registry') });
    expect((await ollama.list()).models.map((model) => model.name)).toContain(MODEL);
  });

  it('answers the load shortcut (no prompt) for a served model only', async () => {
    const loaded = await ollama.generate({ model: MODEL, prompt: '' });
    expect(loaded).toMatchObject({ model: MODEL, response: '', done: true, done_reason: 'load' });
    const chatLoaded = await ollama.chat({ model: MODEL, messages: [] });
    expect(chatLoaded).toMatchObject({ model: MODEL, done: true, done_reason: 'load' });
    for (const [path, body] of [
      ['/api/generate', { model: 'nobody:latest' }],
      ['/api/chat', { model: 'nobody:latest', messages: [] }],
    ] as const) {
      const missing = await fetch(`${fleet.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: "model 'nobody:latest' not found" });
    }
    const badName = await fetch(`${fleet.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 42 }),
    });
    expect(badName.status).toBe(400);
  });

  it('loads an embedding model for an embedding request with nothing to embed, as Ollama does', async () => {
    // That the model is loaded, the management spec shows (it needs discovery's registry).
    for (const input of [[], '']) {
      const loaded = await ollama.embed({ model: EMBEDDER, input, keep_alive: '10m' });
      expect(loaded).toEqual({ model: EMBEDDER, embeddings: [] });
    }
    expect(await ollama.embeddings({ model: EMBEDDER, prompt: '' })).toEqual({ embedding: [] });
    const missing = await fetch(`${fleet.url}/api/embed`, {
      method: 'POST',
      body: JSON.stringify({ model: 'nobody:latest', input: [] }),
    });
    expect(missing.status).toBe(404);
  });

  it('answers the root, the version, and errors as {"error"}', async () => {
    const root = await fetch(fleet.url);
    expect(await root.text()).toBe('Ollama is running');
    const { version } = await ollama.version();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    // Clients switch features on by it: Codex (`--oss`) uses /v1/responses only from 0.13.4 on.
    const [major, minor, patch] = version.split('.').map(Number);
    expect((major ?? 0) * 1e6 + (minor ?? 0) * 1e3 + (patch ?? 0)).toBeGreaterThanOrEqual(13_004);
    const head = await fetch(fleet.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const missing = await fetch(`${fleet.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'nobody:latest', messages }),
    });
    expect(missing.status).toBe(404);
    // In Ollama's own words, which its clients match to offer a pull.
    expect(await missing.json()).toEqual({ error: "model 'nobody:latest' not found" });
    await expect(ollama.create({ model: 'mine', from: 'llama3.2' })).rejects.toMatchObject({
      status_code: 404,
      error: expect.stringMatching(/^\/api\/create: creating and pushing models is not served/),
    });
  });

  it('refuses top_logprobs out of range in Ollama words, and says a missing model is required', async () => {
    const model = 'llama3.2:latest';
    const ask = { logprobs: true, top_logprobs: 21 };
    await expect(ollama.chat({ model, messages, ...ask })).rejects.toMatchObject({
      status_code: 400,
      error: 'top_logprobs must be between 0 and 20',
    });
    await expect(ollama.generate({ model, prompt: 'hi', ...ask })).rejects.toMatchObject({
      status_code: 400,
      error: 'top_logprobs must be between 0 and 20',
    });
    const nameless = await fetch(`${fleet.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'hi' }),
    });
    expect(nameless.status).toBe(400);
    expect(await nameless.json()).toEqual({ error: 'model is required' });
    // A format of none of the shapes: the values and the type it takes, and what it got.
    await expect(
      ollama.chat({ model, messages, format: 'yaml', stream: false }),
    ).rejects.toMatchObject({
      status_code: 400,
      error: 'format: Invalid input: expected "", "json" or record, received "yaml"',
    });
  });
});
