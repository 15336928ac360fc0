import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SwitchyardError } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { OrchestratorBed } from './support/orchestrator-bed.js';

// Something else runs it; the orchestrator only watches and reports.
describe('a monitored backend', () => {
  let bed: OrchestratorBed;
  let sim: RunningSimulator;
  let port: number;

  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    sim = await startSimulator({ kind: 'vllm', port, loadMs: 0 });
    bed = await OrchestratorBed.start({
      backends: [
        {
          id: 'watched',
          kind: 'vllm',
          url: sim.url,
          mode: 'monitored',
          models: ['Qwen/Qwen2.5-0.5B-Instruct'],
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
    await sim.close();
  });

  it('is reported ready while its health endpoint answers', async () => {
    await bed.waitForEvent('watched', 'ready');
    const [status] = await bed.status('watched');
    expect(status).toMatchObject({ mode: 'monitored', state: 'ready' });
    // Its models are not the orchestrator's to start: a request for them starts nothing.
    expect(status?.models).toBeUndefined();
  });

  it('is reported stopped when nothing listens any more, and ready again when it is back', async () => {
    const after = bed.events.length;
    await sim.close();
    const stopped = await bed.waitForEvent('watched', 'stopped', { after });
    expect(stopped.message).toMatch(/connection refused/);
    sim = await startSimulator({ kind: 'vllm', port, loadMs: 0 });
    await bed.waitForEvent('watched', 'ready', { after });
  });

  it('is never started or stopped by the orchestrator', async () => {
    const error = await bed.command('stop', 'watched').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'unsupported' });
    expect((error as Error).message).toMatch(/monitored/);
  });
});
