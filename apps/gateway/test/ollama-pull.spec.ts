import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ollama } from 'ollama';
import { startOrchestratedFleet, type OrchestratedFleet } from './support/orchestrated-fleet.js';

// `/api/pull` through the orchestrator, with the official ollama client.
describe('ollama pull', () => {
  let fleet: OrchestratedFleet;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startOrchestratedFleet({});
    ollama = new Ollama({ host: fleet.url });
  }, 60_000);

  afterAll(async () => {
    await fleet.close();
  });

  it('streams progress, starting the managed backend first, and the model is listed after', async () => {
    const statuses: string[] = [];
    let completed = 0;
    for await (const progress of await ollama.pull({ model: 'qwen3:0.6b', stream: true })) {
      statuses.push(progress.status);
      completed = Math.max(completed, progress.completed ?? 0);
    }
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.at(-1)).toBe('success');
    expect(completed).toBeGreaterThan(0);
    expect(await fleet.statesOnceThere(2)).toEqual(['starting', 'ready']);
    const tags = (await (await fetch(`http://127.0.0.1:${fleet.port}/api/tags`)).json()) as {
      models: { name: string }[];
    };
    expect(tags.models.map((model) => model.name)).toContain('qwen3:0.6b');
  });

  it('answers stream:false with one success object', async () => {
    expect(await ollama.pull({ model: 'smollm2:135m', stream: false })).toEqual({
      status: 'success',
    });
  });

  it('raises for a model the registry does not have, and for an unsafe name', async () => {
    await expect(ollama.pull({ model: 'no-such-model:1b', stream: false })).rejects.toThrow(
      /not found|does not exist|no-such-model/,
    );
    await expect(ollama.pull({ model: '../../etc/passwd', stream: false })).rejects.toThrow(
      /model/,
    );
  });
});

describe('ollama pull when airgapped', () => {
  let fleet: OrchestratedFleet;

  beforeAll(async () => {
    fleet = await startOrchestratedFleet({ orchestrator: { pull_mode: 'airgapped' } });
  }, 60_000);

  afterAll(async () => {
    await fleet.close();
  });

  it('is refused with a 403 that says why', async () => {
    const response = await fetch(`${fleet.url}/api/pull`, {
      method: 'POST',
      body: JSON.stringify({ model: 'qwen3:0.6b' }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/airgapped/);
    await expect(
      new Ollama({ host: fleet.url }).pull({ model: 'qwen3:0.6b', stream: true }),
    ).rejects.toThrow(/airgapped/);
    expect(fleet.events).toEqual([]);
  });
});
