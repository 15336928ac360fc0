import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { eventually, postJson, startFastSimulator } from './support/http.js';

const v0State = async (sim: RunningSimulator, model: string) =>
  ((await (await fetch(`${sim.url}/api/v0/models/${model}`)).json()) as { state: string }).state;

// LM Studio's REST APIs (reference §2.3, §2.4): JIT loading shows in /api/v0 state and
// /api/v1 loaded_instances; /api/v0 answers carry stats (seconds), model_info and runtime.
describe('LM Studio REST API', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'lmstudio',
      loadMs: 30,
      models: ['qwen2.5-7b-instruct', 'text-embedding-nomic-embed-text-v1.5'],
      catalogue: ['gemma-3-1b-it'],
    });
  });
  afterAll(() => sim.close());

  it('loads a model just in time on first use, and reports v0 stats in seconds', async () => {
    expect(await v0State(sim, 'qwen2.5-7b-instruct')).toBe('not-loaded');
    const started = Date.now();
    const response = await postJson(`${sim.url}/api/v0/chat/completions`, {
      model: 'qwen2.5-7b-instruct',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const body = (await response.json()) as Record<string, Record<string, unknown>>;
    expect(body.stats).toMatchObject({ stop_reason: 'eosFound' });
    expect(body.stats?.time_to_first_token as number).toBeGreaterThan(0.02);
    expect(body.stats?.time_to_first_token as number).toBeLessThan(5);
    expect(body.model_info).toEqual({
      arch: 'qwen',
      quant: 'Q4_K_M',
      format: 'gguf',
      context_length: 4096,
    });
    expect(body.runtime).toMatchObject({ supported_formats: ['gguf'] });
    expect(await v0State(sim, 'qwen2.5-7b-instruct')).toBe('loaded');
  });

  it('lists, loads and unloads through /api/v1/models', async () => {
    const entry = async () =>
      (
        (await (await fetch(`${sim.url}/api/v1/models`)).json()) as {
          models: Record<string, unknown>[];
        }
      ).models.find((m) => m.key === 'text-embedding-nomic-embed-text-v1.5');
    expect(await entry()).toMatchObject({ type: 'embedding', loaded_instances: [] });
    const load = await postJson(`${sim.url}/api/v1/models/load`, {
      model: 'text-embedding-nomic-embed-text-v1.5',
    });
    expect(await load.json()).toMatchObject({
      type: 'embedding',
      instance_id: 'text-embedding-nomic-embed-text-v1.5',
      status: 'loaded',
    });
    expect(((await entry())?.loaded_instances as unknown[]).length).toBe(1);
    const unload = await postJson(`${sim.url}/api/v1/models/unload`, {
      instance_id: 'text-embedding-nomic-embed-text-v1.5',
    });
    expect(await unload.json()).toEqual({ instance_id: 'text-embedding-nomic-embed-text-v1.5' });
    expect(await entry()).toMatchObject({ loaded_instances: [] });
  });

  it('downloads a catalogue model as a job whose status completes', async () => {
    const start = (await (
      await postJson(`${sim.url}/api/v1/models/download`, { model: 'gemma-3-1b-it' })
    ).json()) as Record<string, unknown>;
    expect(start).toMatchObject({ job_id: expect.any(String), status: 'downloading' });
    await eventually(async () => {
      const status = (await (
        await fetch(`${sim.url}/api/v1/models/download/status/${start.job_id}`)
      ).json()) as { status: string };
      return status.status === 'completed';
    });
    const again = await (
      await postJson(`${sim.url}/api/v1/models/download`, { model: 'gemma-3-1b-it' })
    ).json();
    expect(again).toEqual({ status: 'already_downloaded' });
    const models = (await (await fetch(`${sim.url}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toContain('gemma-3-1b-it');
  });
});
