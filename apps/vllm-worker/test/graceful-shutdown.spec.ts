import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError, type ChatRequest } from '@switchyard/contracts';
import {
  chatRequest,
  getMonitoringJson,
  plainMessages,
  SCHEDULING_SLACK_MS,
  streamInFlight,
  waitFor,
} from '@switchyard/testing';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

const ANSWER_TOKENS = 20;
const TOKENS_PER_SECOND = 40;

describe('shutting a vLLM worker down gracefully', () => {
  let bed: VllmTestbed;

  beforeAll(async () => {
    bed = await startVllmTestbed({
      backends: [{ tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS }],
      worker: false,
    });
  });

  afterAll(async () => {
    await bed?.close();
  });

  const inFlight = (request: ChatRequest) =>
    streamInFlight(
      bed.client.stream(bed.subjects.chat(MODELS.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      }),
    );

  const planOf = (request: ChatRequest) =>
    expectedCompletion({
      model: MODELS.chat,
      messages: plainMessages(request.messages),
      answerTokens: ANSWER_TOKENS,
    }).text;

  /** The connections serving the chat subject, as the NATS server sees them. */
  async function chatSubscribers(): Promise<string[]> {
    const connz = await getMonitoringJson<{
      connections?: { name?: string; subscriptions_list?: string[] }[];
    }>(`${bed.nats.monitorUrl}/connz?subs=1`);
    const subject = bed.subjects.chat(MODELS.chat);
    return (connz.connections ?? [])
      .filter((connection) => connection.subscriptions_list?.includes(subject))
      .map((connection) => connection.name ?? '');
  }

  const codeOf = (request: ChatRequest) =>
    bed.client
      .collect(bed.subjects.chat(MODELS.chat), request, { timeoutMs: 10_000 + SCHEDULING_SLACK_MS })
      .then(
        () => 'ok',
        (error: SwitchyardError) => error.code,
      );

  it('stop() takes no new work and lets the answer in flight finish', async () => {
    const worker = await bed.startWorker();
    const request = chatRequest(MODELS.chat, 'Finish this, please.');
    const running = inFlight(request);
    await running.firstDelta;

    const stopping = worker.stop({ graceMs: 5_000 + SCHEDULING_SLACK_MS });
    await waitFor(async () => (await chatSubscribers()).length === 0, {
      description: 'the worker to leave the queue group',
    });
    expect(await codeOf(chatRequest(MODELS.chat, 'Anyone?'))).toBe('no_responders');

    expect(await running.done).toMatchObject({ text: planOf(request) });
    await stopping;
  });

  it('stop() ends what outlives the grace period with a retryable overloaded', async () => {
    const worker = await bed.startWorker();
    const running = inFlight(chatRequest(MODELS.chat, 'This will not finish.'));
    await running.firstDelta;

    await worker.stop({ graceMs: 100 });

    const error = await running.done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SwitchyardError);
    // Not `cancelled`: the caller did not leave. The worker did, and another can take it.
    expect(error).toMatchObject({
      code: 'overloaded',
      retryable: true,
      message: 'the worker shut down before it finished',
    });
  });

  it('stop() hands back at once what waits for a slot, before the backend sees it', async () => {
    // One slot: the first answer holds it, the second request waits in the worker's queue.
    const worker = await bed.startWorker(bed.backends, { maxConcurrency: 1 });
    bed.backend.resetStats();
    const request = chatRequest(MODELS.chat, 'I hold the only slot.');
    const running = inFlight(request);
    await running.firstDelta;
    let queued: () => void = () => undefined;
    const isQueued = new Promise<void>((resolve) => (queued = resolve));
    const waiting = (async () => {
      const frames = bed.client.stream(
        bed.subjects.chat(MODELS.chat),
        chatRequest(MODELS.chat, 'I wait for the slot.'),
        { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
      );
      for await (const frame of frames) {
        if (frame.type === 'heartbeat' && frame.phase === 'queued') queued();
        if (frame.type === 'delta') return 'it reached the backend';
      }
      return 'it ended without output';
    })();
    void waiting.catch(() => queued());
    await isQueued;

    const stopping = worker.stop({ graceMs: 5_000 + SCHEDULING_SLACK_MS });
    const error = await waiting.catch((caught: unknown) => caught);

    // Retryable before any output, so the caller's retry goes to another replica; without this
    // the request got the slot late in the grace period and could be cut off part-way.
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'overloaded', retryable: true });
    expect(bed.backend.stats().received).toBe(1);
    expect((await running.done).text).toBe(planOf(request));
    await stopping;
    expect(bed.backend.stats().received).toBe(1);
  });

  it('SIGTERM drains the process: new work goes to the other replica, the answer in flight finishes', async () => {
    const leaving = await bed.startWorkerProcess(bed.backends, {
      graceMs: 5_000 + SCHEDULING_SLACK_MS,
    });
    const request = chatRequest(MODELS.chat, 'Finish this too, please.');
    const running = inFlight(request);
    await running.firstDelta;
    const replica = await bed.startWorker();

    expect((await chatSubscribers()).sort()).toEqual(['vllm-worker', replica.workerId].sort());
    void leaving.stop('SIGTERM');
    await waitFor(async () => (await chatSubscribers()).join() === replica.workerId, {
      description: 'the leaving worker to leave the queue group',
    });
    const after = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const result = await bed.client.collect(
          bed.subjects.chat(MODELS.chat),
          chatRequest(MODELS.chat, `After ${i}`, { max_tokens: 1 }),
          { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
        );
        return result.start.worker;
      }),
    );

    expect(after).toEqual(Array(4).fill(replica.workerId));
    const finished = await running.done;
    expect(finished.text).toBe(planOf(request));
    expect(finished.worker).toMatch(/^vllm-worker-/);
    expect(await leaving.exited).toEqual({ code: 0, signal: null });
  });
});
