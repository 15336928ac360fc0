import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { Ollama } from 'ollama';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const LMSTUDIO_MODEL = 'qwen2.5-7b-instruct';
/** Not the simulators' default, so a context length shown can only have come from LM Studio. */
const LMSTUDIO_CONTEXT = 32_768;

/** The error the ollama client raises for a call, with its status. */
async function rejectionOf(
  call: Promise<unknown>,
): Promise<{ status_code?: number; error?: string }> {
  try {
    await call;
  } catch (error) {
    return error as { status_code?: number; error?: string };
  }
  throw new Error('the call succeeded');
}

// Delete and copy through the gateway with the official ollama client, unmodified: the gateway
// finds the Ollama backend in the registry discovery keeps and forwards the worker's command.
describe('Ollama model management through the gateway (ollama SDK)', () => {
  let fleet: Fleet;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'ollama' },
        { kind: 'vllm' },
        { kind: 'lmstudio', sim: { contextLength: LMSTUDIO_CONTEXT } },
      ],
      discovery: true,
    });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it("shows a model as its Ollama backend describes it, with the fleet's kinds", async () => {
    const own = (await (
      await fetch(`${fleet.sim('ollama').url}/api/show`, {
        method: 'POST',
        body: JSON.stringify({ model: MODEL }),
      })
    ).json()) as Record<string, unknown>;
    expect(own['template']).toEqual(expect.any(String));

    const shown = await ollama.show({ model: 'llama3.2' });
    expect(shown).toMatchObject({
      modelfile: own['modelfile'],
      template: own['template'],
      parameters: own['parameters'],
      details: own['details'],
      model_info: own['model_info'],
      capabilities: own['capabilities'],
      kinds: ['ollama'],
    });
    // The client types `model_info` as a Map; on the wire it is an object.
    const info = shown.model_info as unknown as Record<string, unknown>;
    expect(info['llama.context_length']).toEqual(expect.any(Number));

    // vLLM describes no more than its model list: the answer is the fleet's, in Ollama's shape.
    const vllm = await ollama.show({ model: 'Qwen/Qwen2.5-0.5B-Instruct' });
    expect(vllm).toMatchObject({ template: '', kinds: ['vllm'] });
    // vLLM does not say its model's architecture, which Ollama's `model_info` keys hang off.
    expect(vllm.model_info).toEqual({});
  });

  it("shows an LM Studio model's architecture and context length in model_info, as Ollama keys them", async () => {
    const listing = (await (await fetch(`${fleet.sim('lmstudio').url}/api/v1/models`)).json()) as {
      models: { key: string; architecture?: string; max_context_length: number }[];
    };
    const own = listing.models.find((model) => model.key === LMSTUDIO_MODEL);
    const architecture = own?.architecture ?? '';
    expect(architecture).not.toBe('');
    expect(own?.max_context_length).toBe(LMSTUDIO_CONTEXT);

    const shown = await ollama.show({ model: LMSTUDIO_MODEL });
    expect(shown.model_info as unknown as Record<string, unknown>).toEqual({
      'general.architecture': architecture,
      [`${architecture}.context_length`]: LMSTUDIO_CONTEXT,
    });
    expect(shown.details.family).toBe(architecture);
    expect(shown).toMatchObject({ template: '', kinds: ['lmstudio'] });
  });

  it("lists each model with the details its backend gives, whatever the backend's kind", async () => {
    const tags = (await ollama.list()).models;
    const detailsOf = (name: string) => tags.find((model) => model.name === name)?.details;

    const ollamaOwn = (await (await fetch(`${fleet.sim('ollama').url}/api/tags`)).json()) as {
      models: { name: string; details: Record<string, unknown> }[];
    };
    const ollamaDetails = ollamaOwn.models.find((model) => model.name === MODEL)?.details;
    expect(ollamaDetails).toMatchObject({ family: expect.stringMatching(/.+/) });
    expect(detailsOf(MODEL)).toEqual(ollamaDetails);

    const lmStudioOwn = (await (
      await fetch(`${fleet.sim('lmstudio').url}/api/v0/models`)
    ).json()) as {
      data: { id: string; arch: string; compatibility_type: string; quantization: string }[];
    };
    const lmStudio = lmStudioOwn.data.find((model) => model.id === LMSTUDIO_MODEL);
    expect(detailsOf(LMSTUDIO_MODEL)).toEqual({
      parent_model: '',
      format: lmStudio?.compatibility_type,
      family: lmStudio?.arch,
      families: [lmStudio?.arch],
      parameter_size: '',
      quantization_level: lmStudio?.quantization,
    });

    // vLLM's model list says none of them: nothing is made up.
    expect(detailsOf('Qwen/Qwen2.5-0.5B-Instruct')).toEqual({
      parent_model: '',
      format: '',
      family: '',
      families: null,
      parameter_size: '',
      quantization_level: '',
    });
  });

  const listed = async (): Promise<string[]> =>
    (await ollama.list()).models.map((model) => model.name);

  it('copies a model on the backend that holds it; the copy is listed and answers', async () => {
    await expect(ollama.copy({ source: MODEL, destination: 'mine:v1' })).resolves.toEqual({
      status: 'success',
    });
    expect(
      fleet
        .sim('ollama')
        .models()
        .map((model) => model.name),
    ).toContain('mine:v1');
    expect(await listed()).toContain('mine:v1');
    const answer = await ollama.chat({
      model: 'mine:v1',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: false,
    });
    expect(answer.message.content.length).toBeGreaterThan(0);
  });

  it('deletes a model, with ollama/ and without its :latest tag, exactly as Ollama answers', async () => {
    await ollama.copy({ source: MODEL, destination: 'scratch' });
    expect(
      fleet
        .sim('ollama')
        .models()
        .map((model) => model.name),
    ).toContain('scratch:latest');
    // Listed before the delete, so what the listing saw of the worker then cannot linger after.
    expect(await listed()).toContain('scratch:latest');
    const response = await fetch(`${fleet.url}/api/delete`, {
      method: 'DELETE',
      body: JSON.stringify({ model: 'ollama/scratch' }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(
      fleet
        .sim('ollama')
        .models()
        .map((model) => model.name),
    ).not.toContain('scratch:latest');
    expect(await listed()).not.toContain('scratch:latest');
  });

  it('deletes with the client, then answers 404 in Ollama words for the gone model', async () => {
    await expect(ollama.delete({ model: 'mine:v1' })).resolves.toEqual({ status: 'success' });
    expect(
      fleet
        .sim('ollama')
        .models()
        .map((model) => model.name),
    ).not.toContain('mine:v1');
    const again = await rejectionOf(ollama.delete({ model: 'mine:v1' }));
    expect(again).toMatchObject({ status_code: 404, error: "model 'mine:v1' not found" });
    // Not a 503 for a worker that stopped answering for it: nothing serves it any more.
    const chat = await rejectionOf(
      ollama.chat({ model: 'mine:v1', messages: [{ role: 'user', content: 'Hi' }], stream: false }),
    );
    // In Ollama's own words, which its clients match to offer a pull.
    expect(chat).toMatchObject({ status_code: 404, error: "model 'mine:v1' not found" });
    const copy = await rejectionOf(ollama.copy({ source: 'ghost:1b', destination: 'x:1' }));
    expect(copy).toMatchObject({ status_code: 404, error: 'model "ghost:1b" not found' });
  });

  it('unloads a model on keep_alive 0 with no prompt, as `ollama stop` asks', async () => {
    const stateOf = () =>
      fleet
        .sim('ollama')
        .models()
        .find((model) => model.name === MODEL)?.state;
    await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: false });
    expect(stateOf()).toBe('loaded');

    const unloaded = await ollama.generate({ model: 'llama3.2', prompt: '', keep_alive: 0 });
    expect(unloaded).toMatchObject({
      model: 'llama3.2', // Ollama answers with the name it was asked for
      response: '',
      done: true,
      done_reason: 'unload',
    });
    expect(stateOf()).toBe('unloaded');
    const viaChat = await ollama.chat({ model: MODEL, messages: [], keep_alive: '0s' });
    expect(viaChat).toMatchObject({ done: true, done_reason: 'unload' });

    // vLLM serves one model for its life: saying it was unloaded would be untrue.
    const vllm = await rejectionOf(
      ollama.generate({ model: 'Qwen/Qwen2.5-0.5B-Instruct', prompt: '', keep_alive: 0 }),
    );
    expect(vllm).toMatchObject({
      status_code: 400,
      error: expect.stringContaining('only Ollama backends unload on keep_alive 0'),
    });
    const ghost = await rejectionOf(
      ollama.generate({ model: 'ghost:1b', prompt: '', keep_alive: 0 }),
    );
    expect(ghost).toMatchObject({ status_code: 404, error: "model 'ghost:1b' not found" });
  });

  it('loads a model on no prompt, as `ollama run` does first, and keeps it for keep_alive', async () => {
    const held = () =>
      fleet
        .sim('ollama')
        .models()
        .find((model) => model.name === MODEL);
    await ollama.generate({ model: MODEL, prompt: '', keep_alive: 0 });
    expect(held()?.state).toBe('unloaded');

    const loaded = await ollama.generate({ model: 'llama3.2', prompt: '', keep_alive: '1h' });
    expect(loaded).toMatchObject({ model: 'llama3.2', response: '', done_reason: 'load' });
    expect(held()?.state).toBe('loaded');
    // Kept for the hour asked, not Ollama's default five minutes: the backend's own `ps` says.
    const ps = (await (await fetch(`${fleet.sim('ollama').url}/api/ps`)).json()) as {
      models: { name: string; expires_at: string }[];
    };
    const expiresAt = ps.models.find((model) => model.name === MODEL)?.expires_at ?? '';
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 55 * 60_000);

    await ollama.generate({ model: MODEL, prompt: '', keep_alive: 0 });
    const viaChat = await ollama.chat({ model: MODEL, messages: [] });
    expect(viaChat).toMatchObject({ done: true, done_reason: 'load' });
    expect(held()?.state).toBe('loaded');

    // vLLM serves its one model from start-up: there is nothing to load, and that is no error.
    const vllm = await ollama.generate({ model: 'Qwen/Qwen2.5-0.5B-Instruct', prompt: '' });
    expect(vllm).toMatchObject({ done: true, done_reason: 'load' });
  });

  it('loads an embedding model for an embedding request with nothing to embed', async () => {
    const embedder = 'all-minilm:latest';
    const held = () =>
      fleet
        .sim('ollama')
        .models()
        .find((model) => model.name === embedder);
    await ollama.generate({ model: embedder, prompt: '', keep_alive: 0 });
    expect(held()?.state).toBe('unloaded');
    const loaded = await ollama.embed({ model: embedder, input: [], keep_alive: '1h' });
    expect(loaded).toEqual({ model: embedder, embeddings: [] });
    expect(held()?.state).toBe('loaded');
  });

  it('lists in ps what the Ollama backends hold in memory, as they say, and vLLM models', async () => {
    const running = async () => (await ollama.ps()).models;
    await ollama.generate({ model: MODEL, prompt: '', keep_alive: 0 });
    let models = await running();
    expect(models.map((model) => model.name)).not.toContain(MODEL);
    expect(models.map((model) => model.name)).toContain('Qwen/Qwen2.5-0.5B-Instruct');

    await ollama.generate({ model: MODEL, prompt: '', keep_alive: '1h' });
    models = await running();
    const held = models.find((model) => model.name === MODEL);
    expect(held).toMatchObject({ model: MODEL, kinds: ['ollama'] });
    // The backend's own expiry (an hour out, as asked), not a made-up one.
    expect(new Date(held?.expires_at ?? 0).getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
  });

  it('refuses bad input with 400 and {"error"}, before any backend is asked', async () => {
    const cases: [string, string, unknown][] = [
      ['DELETE', '/api/delete', {}],
      ['DELETE', '/api/delete', { model: '../etc/passwd' }],
      ['DELETE', '/api/delete', { model: 'vllm/Qwen/Qwen2.5-0.5B-Instruct' }],
      ['POST', '/api/copy', { source: MODEL }],
      ['POST', '/api/copy', { source: MODEL, destination: 'bad name' }],
      ['POST', '/api/copy', [1, 2]],
    ];
    for (const [method, path, body] of cases) {
      const response = await fetch(`${fleet.url}${path}`, { method, body: JSON.stringify(body) });
      expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 });
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    // Each message names its field once.
    const copy = await fetch(`${fleet.url}/api/copy`, {
      method: 'POST',
      body: JSON.stringify({ source: MODEL }),
    });
    expect(await copy.json()).toEqual({ error: 'destination is required' });
    expect(
      fleet
        .sim('ollama')
        .models()
        .map((model) => model.name),
    ).toContain(MODEL);
  });
});
