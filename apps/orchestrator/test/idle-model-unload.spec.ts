import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { chatRequest, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { OrchestratorBed } from './support/orchestrator-bed.js';

// Long enough that a loaded machine cannot let it pass between the answer and the first check.
const IDLE_TTL_MS = 1_500 + SCHEDULING_SLACK_MS;

async function loadedModels(sim: RunningSimulator): Promise<string[]> {
  const ps = (await (await fetch(`${sim.url}/api/ps`)).json()) as { models: { name: string }[] };
  return ps.models.map((model) => model.name);
}

// An Ollama the orchestrator does not run: its idle models are unloaded, the server stays up.
describe('idle_ttl_ms on an external Ollama backend', () => {
  let bed: OrchestratorBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, loadMs: 0 });
    bed = await OrchestratorBed.start({
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [
        { id: 'box', kind: 'ollama', url: sim.url, mode: 'external', idle_ttl_ms: IDLE_TTL_MS },
      ],
    });
    await bed.startOllamaWorker();
  }, 60_000);

  afterAll(async () => {
    await bed.close();
    await sim.close();
  });

  it('unloads a model once it was unused for the TTL, and only then', async () => {
    // Its last use is no earlier than this: the request starts after it.
    const askedAt = Date.now();
    await waitFor(
      async () =>
        bed.client
          .collect(bed.subjects.chat('llama3.2'), chatRequest('llama3.2', 'hi'), {
            timeoutMs: 10_000,
          })
          .then(() => true),
      { timeoutMs: 20_000, description: 'a chat answer' },
    );
    expect(await loadedModels(sim)).toEqual(['llama3.2:latest']);
    await waitFor(async () => (await loadedModels(sim)).length === 0, {
      timeoutMs: IDLE_TTL_MS + 20_000,
      description: 'the idle model to be unloaded',
    });
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(IDLE_TTL_MS);
    expect((await fetch(`${sim.url}/api/version`)).status).toBe(200);
    expect(bed.events).toEqual([]);
  });
});
