import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { pullProgressSchema } from '@switchyard/contracts';
import type { ServedModel } from '../src/fleet/fleet-workers.js';
import { FleetBed } from './support/fleet-bed.js';

// `switchyard pull` through the orchestrator into an external Ollama sim, via its worker.
describe('switchyard pull', () => {
  let bed: FleetBed;
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, pullMs: 400 });
    bed = await FleetBed.start(
      { backends: [{ id: 'box', kind: 'ollama', url: sim.url, mode: 'external' }] },
      ['orchestrator', 'ollama-worker'],
    );
  }, 90_000);

  afterAll(async () => {
    await bed?.close();
    await sim?.close();
  });

  const installed = async (): Promise<string[]> => {
    const tags = (await (await fetch(`${sim.url}/api/tags`)).json()) as {
      models: { name: string }[];
    };
    return tags.models.map((model) => model.name);
  };

  it('prints progress lines with percentages and says where the model went', async () => {
    const run = await bed.cli(['pull', 'qwen3:0.6b', '--backend', 'box']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('pulling manifest');
    const percents = lines
      .map((line) => /^pulling \w+ (\d+)% \(\S+ \w?B of \S+ \w?B\)$/.exec(line)?.[1])
      .filter((percent) => percent !== undefined)
      .map(Number);
    expect(percents.length).toBeGreaterThan(1);
    expect(percents.at(-1)).toBe(100);
    expect(lines.at(-2)).toBe('success');
    expect(lines.at(-1)).toBe('pulled qwen3:0.6b into box');
    expect(await installed()).toContain('qwen3:0.6b');
    // The worker reads its backend's models again before the pull ends.
    const served = JSON.parse((await bed.cli(['models', '--json'])).stdout) as {
      models: ServedModel[];
    };
    expect(served.models.map((model) => model.model)).toContain('qwen3:0.6b');
  }, 60_000);

  it('--json prints each progress object as a JSON line', async () => {
    const run = await bed.cli(['pull', 'smollm2:135m', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const progress = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => pullProgressSchema.strict().parse(JSON.parse(line)));
    expect(progress[0]?.status).toBe('pulling manifest');
    expect(progress.at(-1)?.status).toBe('success');
    expect(progress.some((p) => p.total !== undefined && p.completed !== undefined)).toBe(true);
    expect(await installed()).toContain('smollm2:135m');
  }, 60_000);
});
