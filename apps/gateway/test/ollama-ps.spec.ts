import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import { Ollama } from 'ollama';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const OLLAMA_MODEL = 'llama3.2:latest';
const LMSTUDIO_MODEL = 'qwen2.5-7b-instruct';
const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';

// `ollama ps` through the gateway, with the official ollama client, over a fleet of every kind
// that discovery watches: what is in memory, as each backend has it, not every served model.
describe('Ollama ps over the whole fleet (ollama SDK)', () => {
  let fleet: Fleet;
  let ollama: Ollama;
  const running = async (): Promise<string[]> =>
    (await ollama.ps()).models.map((model) => model.name);

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }, { kind: 'vllm' }, { kind: 'lmstudio' }],
      discovery: true,
    });
    ollama = new Ollama({ host: fleet.url });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('lists vLLM models, which are always loaded, and no model nobody has loaded', async () => {
    const models = await running();
    expect(models).toContain(VLLM_MODEL);
    // Installed, served and listed by tags, but in no backend's memory yet.
    expect(models).not.toContain(OLLAMA_MODEL);
    expect(models).not.toContain(LMSTUDIO_MODEL);
    expect((await ollama.list()).models.map((model) => model.name)).toEqual(
      expect.arrayContaining([OLLAMA_MODEL, LMSTUDIO_MODEL, VLLM_MODEL]),
    );
  });

  it('lists a model once a request has loaded it, Ollama at once, LM Studio as discovery sees it', async () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    await ollama.chat({ model: OLLAMA_MODEL, messages });
    await ollama.chat({ model: LMSTUDIO_MODEL, messages });
    // Ollama's own ps answers at once; LM Studio's loaded state comes with discovery's next look.
    expect(await running()).toContain(OLLAMA_MODEL);
    await waitFor(async () => (await running()).includes(LMSTUDIO_MODEL), {
      timeoutMs: 10_000,
      intervalMs: 100,
      description: 'ps to list the LM Studio model a request loaded',
    });
    const held = (await ollama.ps()).models.find((model) => model.name === OLLAMA_MODEL);
    expect(held).toMatchObject({ kinds: ['ollama'], size_vram: expect.any(Number) });
  });
});
