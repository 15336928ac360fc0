import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError } from '@switchyard/contracts';
import {
  chatRequest,
  plainMessages,
  SCHEDULING_SLACK_MS,
  streamInFlight,
  waitFor,
} from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

// Long compared with what a loaded machine adds to one step, so that counting the refreshes
// between a pull and its first answer counts the worker's cadence, not the machine's noise.
const REFRESH_MS = 200 + SCHEDULING_SLACK_MS;

describe('models that come and go on an Ollama backend', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    bed = await startOllamaTestbed({
      backends: [{ models: [MODELS.chat] }],
      worker: { refreshIntervalMs: REFRESH_MS },
    });
  });

  afterAll(async () => {
    await bed?.close();
  });

  /** The error code of one quick request, or `ok`. */
  async function outcome(model: string): Promise<string> {
    try {
      await bed.client.collect(bed.subjects.chat(model), chatRequest(model, 'Hi'), {
        timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      });
      return 'ok';
    } catch (error) {
      return (error as SwitchyardError).code;
    }
  }

  it('serves a model pulled onto the backend within one refresh', async () => {
    const pulled = 'smollm2:135m';
    expect(await outcome(pulled)).toBe('no_responders');

    const requestsBefore = bed.backend.stats().http;
    bed.backend.addModel(pulled);
    const added = performance.now();
    await waitFor(async () => (await outcome(pulled)) === 'ok', {
      timeoutMs: REFRESH_MS * 2 + SCHEDULING_SLACK_MS,
      intervalMs: 10,
      description: `${pulled} to be served`,
    });
    const servedAfterMs = performance.now() - added;
    console.log(`Ollama: a pulled model was served ${servedAfterMs.toFixed(0)} ms after the pull`);
    // Each refresh lists /api/tags and /api/ps. The one under way at the pull may have missed it,
    // the next must not: at most two refreshes' listings, then the request that was served.
    const listings = bed.backend.stats().http - requestsBefore - 1;
    expect(listings).toBeLessThanOrEqual(4);
  });

  it('stops taking requests for a removed model while its answer in flight finishes', async () => {
    bed.backend.setFaults({ tokenDelayMs: 40 });
    const request = chatRequest(MODELS.chat, 'A story, please.');
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: plainMessages(request.messages),
    });
    const inFlight = streamInFlight(
      bed.client.stream(bed.subjects.chat(MODELS.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      }),
    );
    await inFlight.firstDelta;

    bed.backend.removeModel(MODELS.chat);
    await waitFor(async () => (await outcome(MODELS.chat)) === 'no_responders', {
      timeoutMs: REFRESH_MS * 2 + SCHEDULING_SLACK_MS,
      intervalMs: 10,
      description: `${MODELS.chat} to stop being served`,
    });

    expect((await inFlight.done).text).toBe(plan.text);
    bed.backend.clearFaults();
  });
});
