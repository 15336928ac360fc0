import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ModelListResult } from '@switchyard/contracts';
import { startManagementBed, type ManagementBed } from './management-harness.js';

interface RunningModel {
  name: string;
  expires_at: string;
}

// Loading and unloading through keep_alive, as `ps` and the model list show it.
describe('loading and unloading Ollama models over NATS', () => {
  let bed: ManagementBed;

  beforeAll(async () => {
    bed = await startManagementBed({ loadMs: 150 });
  });
  afterAll(() => bed.close());

  const running = async () =>
    ((await bed.command('ps')).deltas[0]?.result as { models: RunningModel[] }).models;
  const loaded = async (name: string) =>
    ((await bed.command('models')).deltas[0]?.result as ModelListResult).models.find(
      (model) => model.name === name,
    )?.loaded;

  it('lists nothing running before any load', async () => {
    expect(await running()).toEqual([]);
    expect(await loaded('llama3.2:latest')).toBe(false);
  });

  it('loads a model for keep_alive, heartbeating loading until it is in memory', async () => {
    const frames = await bed.frames('load', { model: 'llama3.2:latest', keep_alive: '10m' });
    expect(frames[0]?.type).toBe('start');
    expect(frames.at(-1)?.type).toBe('end');
    const between = frames.slice(1, -1);
    expect(between.length).toBeGreaterThanOrEqual(1);
    expect(between).toEqual(
      between.map(() => expect.objectContaining({ type: 'heartbeat', phase: 'loading' })),
    );
    const [model] = await running();
    expect(model?.name).toBe('llama3.2:latest');
    const expiresInMs = Date.parse(model?.expires_at ?? '') - Date.now();
    expect(expiresInMs).toBeGreaterThan(9 * 60_000);
    expect(expiresInMs).toBeLessThanOrEqual(10 * 60_000);
    expect(await loaded('llama3.2:latest')).toBe(true);
  });

  it('keeps a model for ever with a negative keep_alive', async () => {
    await bed.command('load', { model: 'llama3.2:latest', keep_alive: -1 });
    const [model] = await running();
    expect(new Date(model?.expires_at ?? 0).getUTCFullYear()).toBeGreaterThan(2200);
  });

  it('unloads a model at once', async () => {
    await bed.command('unload', { model: 'llama3.2:latest' });
    expect(await running()).toEqual([]);
    expect(await loaded('llama3.2:latest')).toBe(false);
  });
});
