import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureResultSchema, SwitchyardError } from '@switchyard/contracts';
import { chatRequest, freePorts } from '@switchyard/testing';
import { managedSim, OrchestratorBed, resultOf } from './support/orchestrator-bed.js';

/** A managed Ollama sim configured with a model it does not have yet (it is in its catalogue). */
async function bedWithMissingModel(pullMode: 'local-only' | 'airgapped'): Promise<OrchestratorBed> {
  const [port] = (await freePorts(1)) as [number];
  const bed = await OrchestratorBed.start({
    orchestrator: { pull_mode: pullMode },
    workers: { ollama: { refresh_interval_ms: 300 } },
    backends: [managedSim('fresh', port, { models: ['qwen3:0.6b'] }, '--pull-ms', '300')],
  });
  await bed.startOllamaWorker();
  return bed;
}

describe('ensure for a model the started backend lacks', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    bed = await bedWithMissingModel('local-only');
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('pulls it, relaying the progress, and answers once a worker serves it', async () => {
    const result = await bed.ensure('qwen3:0.6b');
    const statuses = result.deltas.flatMap((delta) => delta.progress?.status ?? []);
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses).toContain('success');
    expect(ensureResultSchema.parse(resultOf(result))).toEqual({
      backend: 'fresh',
      model: 'qwen3:0.6b',
      started: true,
    });
    const answer = await bed.client.collect(
      bed.subjects.chat('qwen3:0.6b'),
      chatRequest('qwen3:0.6b', 'hi'),
      { timeoutMs: 10_000 },
    );
    expect(answer.text.length).toBeGreaterThan(0);
  });
});

describe('ensure for a model the started backend lacks, airgapped', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    bed = await bedWithMissingModel('airgapped');
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('is refused with pull_refused instead of waiting for a model that cannot come', async () => {
    const error = await bed.ensure('qwen3:0.6b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'pull_refused' });
  });
});
