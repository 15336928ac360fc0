import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

interface PsModel {
  name: string;
  expires_at: string;
}
const loaded = async (sim: RunningSimulator) =>
  ((await (await fetch(`${sim.url}/api/ps`)).json()) as { models: PsModel[] }).models;

// Models enter /api/ps when loaded (by a request or the load shortcut) and leave it on unload,
// keep_alive 0 or delete (reference §1.3, §1.6).
describe('Ollama model lifecycle', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'ollama', models: ['llama3.2', 'qwen3:0.6b'] });
  });
  afterAll(() => sim.close());

  it('loads with the empty-prompt shortcut and unloads with keep_alive 0', async () => {
    expect(await loaded(sim)).toEqual([]);
    const load = await postJson(`${sim.url}/api/generate`, { model: 'llama3.2' });
    expect(load.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await load.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['model', 'created_at', 'response', 'done', 'done_reason']);
    expect(body).toMatchObject({
      model: 'llama3.2',
      response: '',
      done: true,
      done_reason: 'load',
    });
    expect((await loaded(sim)).map((m) => m.name)).toEqual(['llama3.2:latest']);

    const unload = await postJson(`${sim.url}/api/chat`, {
      model: 'llama3.2',
      messages: [],
      keep_alive: 0,
    });
    expect(await unload.json()).toMatchObject({
      done_reason: 'unload',
      message: { role: 'assistant', content: '' },
    });
    expect(await loaded(sim)).toEqual([]);
  });

  it('keeps a model forever with a negative keep_alive and drops it after keep_alive 0', async () => {
    await postJson(`${sim.url}/api/generate`, {
      model: 'qwen3:0.6b',
      prompt: 'x',
      stream: false,
      keep_alive: -1,
    });
    const [forever] = await loaded(sim);
    expect(new Date(forever?.expires_at ?? 0).getUTCFullYear()).toBeGreaterThan(2200);
    await postJson(`${sim.url}/api/generate`, {
      model: 'qwen3:0.6b',
      prompt: 'x',
      stream: false,
      keep_alive: '0s',
    });
    expect(await loaded(sim)).toEqual([]);
  });

  it('lists, shows, copies and deletes models', async () => {
    const show = (await (
      await postJson(`${sim.url}/api/show`, { model: 'llama3.2' })
    ).json()) as Record<string, unknown>;
    expect(show.capabilities).toEqual(['completion', 'tools']);
    expect(show.details).toMatchObject({
      format: 'gguf',
      family: 'llama',
      quantization_level: 'Q4_K_M',
    });
    expect((show.model_info as Record<string, unknown>)['llama.context_length']).toBe(4096);

    const copy = await postJson(`${sim.url}/api/copy`, {
      source: 'llama3.2',
      destination: 'mine:v1',
    });
    expect([copy.status, await copy.text()]).toEqual([200, '']);
    const deleted = await postJson(
      `${sim.url}/api/delete`,
      { model: 'mine:v1' },
      { method: 'DELETE' },
    );
    expect([deleted.status, await deleted.text()]).toEqual([200, '']);

    const tags = (await (await fetch(`${sim.url}/api/tags`)).json()) as {
      models: Record<string, unknown>[];
    };
    expect(tags.models.map((m) => m.name).sort()).toEqual(['llama3.2:latest', 'qwen3:0.6b']);
    const [first] = tags.models;
    expect(Object.keys(first ?? {})).toEqual([
      'name',
      'model',
      'modified_at',
      'size',
      'digest',
      'details',
      'capabilities',
    ]);
    expect(first?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers the liveness probes', async () => {
    const root = await fetch(`${sim.url}/`);
    expect([root.status, await root.text()]).toEqual([200, 'Ollama is running']);
    expect((await fetch(`${sim.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/api/version`)).json()).toEqual({
      version: expect.any(String),
    });
  });
});
