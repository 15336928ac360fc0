import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { REQUEST_ID_HEADER } from '@switchyard/contracts';
import {
  pauseProcess,
  PROCESS_HOOK_TIMEOUT_MS,
  resumeProcess,
  SCHEDULING_SLACK_MS,
  waitFor,
} from '@switchyard/testing';
import { Ollama, type ModelResponse, type ShowResponse } from 'ollama';
import { READ_TIMEOUT_MS } from '../src/fleet/model-management.service.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

/** On both Ollama backends; the registry lists ollama-0 first, so show asks ollama-0. */
const SHARED = 'llama3.2:latest';
/** Only on ollama-0. */
const FIRST_ONLY = 'mistral:latest';

/**
 * That `/api/show` answered from the fleet listing: its capabilities and the details the workers
 * publish (as `/api/tags` lists them), nothing of a backend's own answer.
 */
function expectFleetDescription(shown: ShowResponse, listed: ModelResponse | undefined): void {
  expect(shown).toMatchObject({
    modelfile: '',
    parameters: '',
    template: '',
    capabilities: ['completion', 'tools'],
    kinds: ['ollama'],
  });
  expect(listed?.details.family).toBe('llama');
  expect(shown.details).toEqual(listed?.details);
  // toEqual, not toMatchObject: a backend's model_info must not pass.
  expect(shown.model_info).toEqual({});
}

async function timed<T>(call: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await call;
  return { value, ms: Date.now() - started };
}

// `/api/show` and `/api/ps` ask the Ollama workers, but a worker that cannot answer (gone, or
// there and silent) must not fail them: show asks the next holder while READ_TIMEOUT_MS lasts,
// then answers from the fleet listing; ps leaves that backend's models out; the gateway logs
// which backend failed.
// The simulators stay up throughout, so discovery keeps both backends healthy in the registry
// and the gateway keeps asking ollama-0; the fleet listing still has SHARED from ollama-1's worker.
describe('Ollama show and ps when the holding worker cannot answer (ollama SDK)', () => {
  let fleet: Fleet;
  let ollama: Ollama;
  let warnings: ReturnType<typeof jest.spyOn>;
  const running = async (): Promise<string[]> =>
    (await ollama.ps()).models.map((model) => model.name);
  /**
   * A client whose every request carries `requestId`, so that a test counts the warnings of its
   * own requests only: a request of an earlier test may still be in flight (a check of a
   * `waitFor` that timed out runs on) and log when the next test is already counting.
   */
  const asking = (requestId: string): Ollama =>
    new Ollama({ host: fleet.url, headers: { [REQUEST_ID_HEADER]: requestId } });
  /** The gateway's warnings about `command` naming ollama-0 for `requestId`, by failure code. */
  const fallbacksLogged = (command: string, requestId: string): unknown[] =>
    (warnings.mock.calls as unknown[][])
      .map(
        ([fields]) =>
          fields as {
            command?: string;
            backend?: string;
            request_id?: string;
            err?: { code?: string };
          },
      )
      .filter(
        (fields) =>
          fields.command === command &&
          fields.backend === 'ollama-0' &&
          fields.request_id === requestId,
      )
      .map((fields) => fields.err?.code);

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim: { models: [SHARED, FIRST_ONLY] } },
        { kind: 'ollama', sim: { models: [SHARED] } },
      ],
      discovery: true,
    });
    ollama = new Ollama({ host: fleet.url });
    // Records the gateway's warnings (its log is silent in tests); each call still goes through.
    warnings = jest.spyOn((fleet.gateways[0] as Fleet['gateways'][number]).logger, 'warn');
    // Straight at the simulators, so each model is in the memory of one known backend.
    const messages = [{ role: 'user', content: 'Hi' }];
    const [first, second] = fleet.sims.map((sim) => new Ollama({ host: sim.url }));
    await first?.chat({ model: FIRST_ONLY, messages });
    await second?.chat({ model: SHARED, messages });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers from the workers while they answer', async () => {
    expect(await running()).toEqual([SHARED, FIRST_ONLY]);
    const shown = await ollama.show({ model: SHARED });
    expect(shown.template).not.toBe('');
    expect(shown.model_info).not.toEqual({});
  });

  it('waits READ_TIMEOUT_MS for a worker that is there but never answers, then falls back', async () => {
    const listed = (await ollama.list()).models.find((model) => model.name === SHARED);
    const worker = fleet.workers[0]?.child.pid as number;
    // Stopped, the worker keeps its NATS subscriptions: requests reach it and get no answer.
    await pauseProcess(worker);
    const requestId = 'show-ps-silent-worker';
    const client = asking(requestId);
    try {
      const [show, ps] = await Promise.all([
        timed(client.show({ model: SHARED })),
        timed(client.ps()),
      ]);
      expectFleetDescription(show.value, listed);
      // ollama-1's own entry (sizes from its ps); FIRST_ONLY, in ollama-0's memory, is left out.
      expect(ps.value.models.map((model) => model.name)).toEqual([SHARED]);
      expect(ps.value.models[0]).toMatchObject({
        kinds: ['ollama'],
        size_vram: expect.any(Number),
      });
      expect(ps.value.models[0]?.size_vram).toBeGreaterThan(0);
      for (const { ms } of [show, ps]) {
        // Timers may fire a millisecond early by the wall clock.
        expect(ms).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(READ_TIMEOUT_MS + SCHEDULING_SLACK_MS);
      }
      expect(fallbacksLogged('show', requestId)).toEqual(['timeout']);
      expect(fallbacksLogged('ps', requestId)).toEqual(['timeout']);
    } finally {
      resumeProcess(worker);
    }
    // A check sent as the worker resumes may wait out one READ_TIMEOUT_MS; the next is answered.
    const warnedBefore = warnings.mock.calls.length;
    await waitFor(
      async () => {
        const names = await running();
        if (names.includes(FIRST_ONLY)) return true;
        // Should it never come back, the failure says what ps listed, what the gateway warned
        // of (no warning naming ollama-0: it was not asked, or answered) and the worker logged.
        const warned = (warnings.mock.calls.slice(warnedBefore) as unknown[][])
          .slice(-5)
          .map(([, message]) => message);
        const logged = fleet.workers[0]?.logs().slice(-10) ?? [];
        throw new Error(
          `ps listed ${JSON.stringify(names)}; the gateway warned ${JSON.stringify(warned)}; ` +
            `the worker logged ${JSON.stringify(logged)}`,
        );
      },
      {
        timeoutMs: 2 * READ_TIMEOUT_MS + SCHEDULING_SLACK_MS,
        intervalMs: 100,
        description: 'ollama-0 to answer ps again',
      },
    );
  });

  it('asks the next holder at once when a worker is gone, its backend still in the registry', async () => {
    await fleet.workers[0]?.stop('SIGTERM');
    const requestId = 'show-ps-gone-worker';
    const client = asking(requestId);
    const [show, ps] = await Promise.all([
      timed(client.show({ model: SHARED })),
      timed(client.ps()),
    ]);
    // ollama-1 holds SHARED too: its own description, not the fleet listing's.
    const own = await new Ollama({ host: fleet.sims[1]?.url }).show({ model: SHARED });
    expect(own.template).not.toBe('');
    expect(show.value).toMatchObject({
      template: own.template,
      details: own.details,
      model_info: own.model_info,
    });
    expect(ps.value.models.map((model) => model.name)).toEqual([SHARED]);
    // Nobody subscribes to ollama-0's commands: NATS says so at once, no bound to wait out.
    for (const { ms } of [show, ps]) expect(ms).toBeLessThan(READ_TIMEOUT_MS);
    expect(fallbacksLogged('show', requestId)).toEqual(['no_responders']);
    expect(fallbacksLogged('ps', requestId)).toEqual(['no_responders']);
  });
});
