import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  pauseProcess,
  PROCESS_HOOK_TIMEOUT_MS,
  resumeProcess,
  SCHEDULING_SLACK_MS,
  sleep,
  waitFor,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { CATALOGUE_TTL_MS, WORKER_ABSENCE_GRACE_MS } from '../src/fleet/fleet-catalogue.service.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const SHARED = 'llama3.2:latest';
/** Only on the first backend, so only its worker lists it. */
const FIRST_ONLY = 'mistral:latest';

// The listing asks every worker (`$SRV.INFO`) and waits a moment past the last answer. A worker
// held up past that moment (a busy machine; here SIGSTOP) must not blink out of /v1/models, and
// one that stays silent must drop out within the grace.
describe('the model listing when a worker answers late (openai SDK)', () => {
  let fleet: Fleet;
  let client: OpenAI;
  const listed = async (): Promise<string[]> =>
    (await client.models.list()).data.map((model) => model.id);

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim: { models: [SHARED, FIRST_ONLY] } },
        { kind: 'ollama', sim: { models: [SHARED] } },
      ],
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it("keeps a silent worker's models through a listing it missed, and drops them after the grace", async () => {
    // Past the listing start-up made: this one asks the workers, and both answer.
    await sleep(CATALOGUE_TTL_MS + 100);
    const lastAsked = Date.now();
    expect(await listed()).toEqual(expect.arrayContaining([SHARED, FIRST_ONLY]));
    const worker = fleet.workers[0]?.child.pid as number;
    await pauseProcess(worker);
    try {
      // The listing above has expired: this one asks the workers again, and only one answers.
      await sleep(CATALOGUE_TTL_MS + 100);
      expect(await listed()).toEqual(expect.arrayContaining([SHARED, FIRST_ONLY]));

      await waitFor(async () => !(await listed()).includes(FIRST_ONLY), {
        timeoutMs: WORKER_ABSENCE_GRACE_MS + CATALOGUE_TTL_MS + SCHEDULING_SLACK_MS,
        intervalMs: 200,
        description: 'the silent worker to drop out of the listing',
      });
      // Not before the grace: it is the worker's silence, not one missed answer, that unlists it.
      expect(Date.now() - lastAsked).toBeGreaterThan(WORKER_ABSENCE_GRACE_MS);
      expect(await listed()).toContain(SHARED);
    } finally {
      resumeProcess(worker);
    }
    await waitFor(async () => (await listed()).includes(FIRST_ONLY), {
      timeoutMs: CATALOGUE_TTL_MS + SCHEDULING_SLACK_MS + 2_000,
      intervalMs: 200,
      description: 'the worker, answering again, to be listed again',
    });
  });
});
