import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import {
  chatRequest,
  PROCESS_HOOK_TIMEOUT_MS,
  SCHEDULING_SLACK_MS,
  TcpRelay,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testing';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

const OUTAGE_WAIT_MS = 1_000;

// A worker cut off from NATS cannot send what its backend generates, and its callers stop
// waiting after nats.outage_wait_ms: past that, it stops the generation rather than keep the
// backend busy for nobody until the request's deadline.
describe('a worker process cut off from NATS', () => {
  let bed: OllamaTestbed;
  let link: TcpRelay;
  let worker: ServiceProcess;

  beforeAll(async () => {
    bed = await startOllamaTestbed({
      // Some 20 s of answer, far longer than the test waits.
      backends: [{ models: [MODELS.chat], tokensPerSecond: 20, answerTokens: 400 }],
      worker: false,
    });
    link = await TcpRelay.start(bed.nats.port);
    worker = await bed.startWorkerProcess(
      bed.backends,
      {},
      {
        SWITCHYARD_NATS__SERVERS: link.natsUrl,
        SWITCHYARD_NATS__RECONNECT_WAIT_MS: '50',
        SWITCHYARD_NATS__OUTAGE_WAIT_MS: String(OUTAGE_WAIT_MS),
      },
    );
  }, PROCESS_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await link?.close();
    await bed?.close();
  });

  it('stops generating at the backend once the outage outlasts outage_wait_ms', async () => {
    const frames = bed.client
      .stream(bed.subjects.chat(MODELS.chat), chatRequest(MODELS.chat, 'Tell me a long story.'), {
        timeoutMs: 120_000,
      })
      [Symbol.asyncIterator]();
    while ((await frames.next()).value?.type !== 'delta');
    const abortedBefore = bed.backend.stats().aborted;

    link.cut();
    const cutAt = performance.now();
    await waitFor(() => bed.backend.stats().aborted > abortedBefore, {
      timeoutMs: OUTAGE_WAIT_MS + SCHEDULING_SLACK_MS,
      description: 'the backend to see its generation aborted',
    });
    expect(performance.now() - cutAt).toBeGreaterThanOrEqual(OUTAGE_WAIT_MS - 50);
    const [stopped] = worker
      .logs()
      .filter(
        (line) => line['msg'] === 'NATS is gone for too long: stopping the requests in flight',
      );
    expect(stopped).toMatchObject({
      in_flight: 1,
      err: expect.objectContaining({
        message: expect.stringContaining(`nats.outage_wait_ms (${OUTAGE_WAIT_MS} ms)`),
      }),
    });
    await frames.return?.();
  }, 60_000);
});
