import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { freePorts } from '@switchyard/testing';
import { OrchestratorBed, simCommand, TEST_ORCHESTRATOR } from './support/orchestrator-bed.js';

// A program that exits at once every time: restarted with backoff, then given up on.
describe('a managed backend that cannot stay up', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await OrchestratorBed.start({
      backends: [
        {
          id: 'broken',
          kind: 'ollama',
          url: `http://127.0.0.1:${port}`,
          mode: 'managed',
          // `--kind` is wrong, so the sim prints its usage error and exits with code 2.
          command: simCommand('not-a-kind', port),
          models: ['llama3.2'],
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('is failed after the crash limit, with the exit code and the output tail', async () => {
    const error = await bed.command('start', 'broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'start_failed' });
    expect((error as Error).message).toMatch(/crashed more than 3 times/);
    expect((error as Error).message).toMatch(/exit code 2/);
    expect((error as Error).message).toMatch(/--kind must be one of/);

    const crashes = bed.events.filter((e) => e.backend === 'broken' && e.state === 'crashed');
    expect(crashes).toHaveLength(TEST_ORCHESTRATOR.restart.max_restarts + 1);
    expect(crashes.every((e) => e.exit_code === 2)).toBe(true);
    expect(bed.events.filter((e) => e.state === 'restarting')).toHaveLength(
      TEST_ORCHESTRATOR.restart.max_restarts,
    );
    expect((await bed.status('broken'))[0]).toMatchObject({ state: 'failed', restarts: 3 });
  });

  it('stays failed: no restart happens on its own', async () => {
    const events = bed.events.length;
    await new Promise((resolve) =>
      setTimeout(resolve, TEST_ORCHESTRATOR.restart.max_backoff_ms * 2),
    );
    expect(bed.events.slice(events)).toEqual([]);
    expect((await bed.status('broken'))[0]?.state).toBe('failed');
  });

  it('is not started again by a request for its model: the ensure says why it failed', async () => {
    const events = bed.events.length;
    const error = await bed.ensure('llama3.2').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'start_failed' });
    expect((error as Error).message).toMatch(/crashed more than 3 times/);
    expect(bed.events.slice(events)).toEqual([]);
    expect((await bed.status('broken'))[0]?.state).toBe('failed');
  });
});
