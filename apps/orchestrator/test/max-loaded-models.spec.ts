import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { chatRequest, sleep, waitFor } from '@switchyard/testing';
import { OrchestratorBed, TEST_ORCHESTRATOR } from './support/orchestrator-bed.js';

const MODELS = ['llama3.2:latest', 'qwen3:0.6b'];

async function loadedModels(sim: RunningSimulator): Promise<string[]> {
  const ps = (await (await fetch(`${sim.url}/api/ps`)).json()) as { models: { name: string }[] };
  return ps.models.map((model) => model.name).sort();
}

// A fleet-wide cap of one loaded model: using a second model unloads the one used longest ago.
describe('max_loaded_models', () => {
  let bed: OrchestratorBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, models: MODELS, loadMs: 0 });
    bed = await OrchestratorBed.start({
      orchestrator: { max_loaded_models: 1 },
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [{ id: 'box', kind: 'ollama', url: sim.url, mode: 'external' }],
    });
    await bed.startOllamaWorker();
  }, 60_000);

  afterAll(async () => {
    await bed.close();
    await sim.close();
  });

  async function chat(model: string): Promise<void> {
    await waitFor(
      async () =>
        bed.client
          .collect(bed.subjects.chat(model), chatRequest(model, 'hi'), { timeoutMs: 10_000 })
          .then(() => true),
      { timeoutMs: 20_000, description: `a chat answer from ${model}` },
    );
  }

  it('keeps the first model while it is the only one loaded', async () => {
    await chat('llama3.2:latest');
    expect(await loadedModels(sim)).toEqual(['llama3.2:latest']);
    // Several polls later it is still loaded: one model is within the cap.
    await sleep(TEST_ORCHESTRATOR.usage_poll_ms * 4);
    expect(await loadedModels(sim)).toEqual(['llama3.2:latest']);
  });

  it('unloads the least recently used model when a second one loads', async () => {
    await chat('qwen3:0.6b');
    await waitFor(async () => (await loadedModels(sim)).join() === 'qwen3:0.6b', {
      timeoutMs: 20_000,
      description: 'only qwen3:0.6b to stay loaded',
    });
    // The sim has unloaded it before the orchestrator hears back and logs it.
    const unloaded = () =>
      bed.orchestrator
        .logs()
        .filter((line) => line['msg'] === 'unloaded a model')
        .map((line) => line['model']);
    await waitFor(() => unloaded().length > 0, { description: 'the unload to be logged' });
    expect(unloaded()).toEqual(['llama3.2:latest']);
  });
});
