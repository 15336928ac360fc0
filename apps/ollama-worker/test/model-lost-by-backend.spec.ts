import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { chatRequest, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

// Between two refreshes a worker can still take requests for a model its backend no longer has
// (deleted, or its disk swapped). Another replica may well have it, so that must not look final.
describe('a model the Ollama backend lost before the worker noticed', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    // No refresh of its own during the file: only what the request shows can tell the worker.
    bed = await startOllamaTestbed({ worker: { refreshIntervalMs: 60_000 } });
  });

  afterAll(async () => {
    await bed?.close();
  });

  const ask = () =>
    bed.client
      .collect(bed.subjects.chat(MODELS.chat), chatRequest(MODELS.chat, 'Still there?'), {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

  it('fails the request retryably, and stops serving the model at once', async () => {
    bed.backend.removeModel(MODELS.chat);

    const error = await ask();
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'model_not_found', retryable: true });

    await waitFor(async () => ((await ask()) as SwitchyardError).code === 'no_responders', {
      timeoutMs: 2_000 + SCHEDULING_SLACK_MS,
      description: 'the worker to stop serving the lost model',
    });
    expect(bed.worker.models).not.toContain(MODELS.chat);
  });
});
