import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureResultSchema, SwitchyardError } from '@switchyard/contracts';
import { chatRequest, freePorts, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { managedSim, OrchestratorBed, resultOf } from './support/orchestrator-bed.js';

// Long enough that a loaded machine cannot let it pass between two tests that need it running.
const IDLE_TTL_MS = 1_500 + SCHEDULING_SLACK_MS;

// `ensure` starts the managed backend that serves a model; unused, it is stopped again.
describe('a managed backend started on demand', () => {
  let bed: OrchestratorBed;

  beforeAll(async () => {
    const [port] = (await freePorts(1)) as [number];
    bed = await OrchestratorBed.start({
      workers: { ollama: { refresh_interval_ms: 300 } },
      backends: [managedSim('on-demand', port, { models: ['llama3.2'], idle_ttl_ms: IDLE_TTL_MS })],
    });
    await bed.startOllamaWorker();
  }, 60_000);

  afterAll(async () => {
    await bed.close();
  });

  it('says in its status which models a request would start it for, as the backend names them', async () => {
    const [status] = await bed.status('on-demand');
    // Configured as `llama3.2`: Ollama serves it as `llama3.2:latest`.
    expect(status).toMatchObject({ state: 'stopped', models: ['llama3.2:latest'] });
  });

  it('starts it once for concurrent ensures and answers when a worker serves the model', async () => {
    const results = await Promise.all([
      bed.ensure('llama3.2'),
      bed.ensure('llama3.2'),
      bed.ensure('llama3.2'),
    ]);
    for (const result of results) {
      expect(ensureResultSchema.parse(resultOf(result))).toMatchObject({ backend: 'on-demand' });
    }
    expect(results.map((r) => ensureResultSchema.parse(resultOf(r)).started)).toContain(true);
    expect(bed.events.filter((e) => e.state === 'starting')).toHaveLength(1);
    // One process ran: a second copy would have said so, or failed on the port, in the output.
    const output = (await bed.logs('on-demand')).map((line) => line.line);
    expect(output.filter((line) => line.includes('"event":"starting"'))).toHaveLength(1);
    const answer = await bed.client.collect(
      bed.subjects.chat('llama3.2'),
      chatRequest('llama3.2', 'hi'),
      {
        timeoutMs: 10_000,
      },
    );
    expect(answer.text.length).toBeGreaterThan(0);
  });

  it('answers at once when the model is served already', async () => {
    const result = ensureResultSchema.parse(resultOf(await bed.ensure('llama3.2')));
    expect(result).toEqual({ backend: 'on-demand', model: 'llama3.2', started: false });
  });

  it('stops the backend once it was idle for its TTL', async () => {
    const stopped = await bed.waitForEvent('on-demand', 'stopped', {
      timeoutMs: IDLE_TTL_MS + 20_000,
    });
    const lastUse = Date.parse(bed.events.find((e) => e.state === 'ready')?.at ?? '');
    expect(Date.parse(stopped.at) - lastUse).toBeGreaterThanOrEqual(IDLE_TTL_MS);
    expect((await bed.status('on-demand'))[0]?.state).toBe('stopped');
  });

  it('refuses a model no managed backend lists and no worker serves', async () => {
    const error = await bed.ensure('not-configured:7b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'model_not_found' });
  });
});
