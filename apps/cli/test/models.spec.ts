import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import type { ServedModel } from '../src/fleet/fleet-workers.js';
import { FleetBed } from './support/fleet-bed.js';

// `switchyard models` asks the workers themselves ($SRV.INFO): no discovery, no orchestrator.
describe('switchyard models', () => {
  let bed: FleetBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({
      kind: 'ollama',
      port: 0,
      models: ['llama3.2:latest', 'qwen3:0.6b'],
    });
    bed = await FleetBed.start({ backends: [{ id: 'box', kind: 'ollama', url: sim.url }] }, [
      'ollama-worker',
    ]);
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
    await sim?.close();
  });

  it('lists the models the workers serve now, with their kinds, as JSON', async () => {
    const run = await bed.cli(['models', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const { models } = JSON.parse(run.stdout) as { models: ServedModel[] };
    expect(models).toEqual([
      { model: 'llama3.2:latest', kinds: ['ollama'], workers: 1 },
      { model: 'qwen3:0.6b', kinds: ['ollama'], workers: 1 },
    ]);
  });

  it('prints them as a table', async () => {
    const run = await bed.cli(['models']);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s+/)),
    ).toEqual([
      ['MODEL', 'KINDS', 'WORKERS'],
      ['llama3.2:latest', 'ollama', '1'],
      ['qwen3:0.6b', 'ollama', '1'],
    ]);
  });
});
