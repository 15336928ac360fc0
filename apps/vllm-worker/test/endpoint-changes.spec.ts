import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SwitchyardError, type ChatRequest } from '@switchyard/contracts';
import {
  chatRequest,
  getMonitoringJson,
  SCHEDULING_SLACK_MS,
  streamInFlight,
  waitFor,
} from '@switchyard/testing';
import type { WorkerEndpointConfig, WorkerRuntime } from '@switchyard/worker-runtime';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

// A worker's endpoints change at run time (the registry lists backends that come and go) and it
// stops while a model listing may still be waiting on a backend that does not answer.

/**
 * A listing waits as long as the refresh interval, within 2 to 10 s: the shortest for tests that
 * wait for a listing to time out, the longest for the one that must not wait for it.
 */
const LIST_TIMEOUT_MS = { shortest: 2_000, longest: 10_000 } as const;

/**
 * A host that accepts connections and never answers: what a frozen backend looks like from the
 * worker's side. Listing its models waits until the worker's listing timeout.
 */
async function startUnansweringHost(): Promise<{
  url: string;
  readonly connections: number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get connections() {
      return sockets.size;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a vLLM worker whose endpoints change', () => {
  let bed: VllmTestbed;
  let frozen: Awaited<ReturnType<typeof startUnansweringHost>>;
  const started: WorkerRuntime[] = [];

  beforeAll(async () => {
    // 20 tokens at 20 tokens/s: an answer runs for about a second.
    bed = await startVllmTestbed({
      backends: [{ tokensPerSecond: 20, answerTokens: 20 }],
      worker: false,
    });
    frozen = await startUnansweringHost();
  });

  afterEach(async () => {
    for (const worker of started.splice(0)) await worker.stop({ graceMs: 0 });
  });

  afterAll(async () => {
    await frozen?.close();
    await bed?.close();
  });

  async function startWorker(refreshIntervalMs: number): Promise<WorkerRuntime> {
    const worker = await bed.startWorker(bed.backends, { maxConcurrency: 1, refreshIntervalMs });
    started.push(worker);
    return worker;
  }

  const simEndpoint = (): WorkerEndpointConfig => ({
    id: bed.endpointId(bed.backend),
    url: bed.backend.url,
    maxConcurrency: 1,
    queueSize: 8,
    queueTimeoutMs: 10_000,
  });
  const frozenEndpoint: WorkerEndpointConfig = {
    id: 'vllm-frozen',
    url: '',
    queueSize: 8,
    queueTimeoutMs: 10_000,
  };

  const answer = (request: ChatRequest) =>
    bed.client.collect(bed.subjects.chat(MODELS.chat), request, {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
    });

  const inFlight = (request: ChatRequest) =>
    streamInFlight(
      bed.client.stream(bed.subjects.chat(MODELS.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      }),
    );

  it('a request that comes while a removed endpoint is still listed is served by it, not failed', async () => {
    const worker = await startWorker(LIST_TIMEOUT_MS.shortest);

    // The sim's endpoint is replaced by one whose listing hangs: until that listing times out,
    // the worker still serves the model through the endpoint it is leaving.
    const changing = worker.setEndpoints([{ ...frozenEndpoint, url: frozen.url }]);
    const result = await answer(chatRequest(MODELS.chat, 'Still there?', { max_tokens: 1 }));

    expect(result.start.backend).toBe(simEndpoint().id);
    expect(result.end.finish_reason).toBe('length');
    await changing;
    expect(worker.models).toEqual([]);
  });

  it('an endpoint that comes back while its old request runs keeps one concurrency limit', async () => {
    const worker = await startWorker(LIST_TIMEOUT_MS.shortest);
    const concurrentBefore = bed.backend.stats().maxActive;
    expect(concurrentBefore).toBeLessThanOrEqual(1);
    const first = inFlight(chatRequest(MODELS.chat, 'The long one.'));
    await first.firstDelta;

    await worker.setEndpoints([]);
    await worker.setEndpoints([simEndpoint()]);
    expect(worker.models).toContain(MODELS.chat);
    const second = answer(chatRequest(MODELS.chat, 'The one after.', { max_tokens: 2 }));

    await expect(first.done).resolves.toMatchObject({ text: expect.any(String) });
    await expect(second).resolves.toMatchObject({ end: { finish_reason: 'length' } });
    // maxConcurrency 1: the second waited for the first instead of running beside it.
    expect(bed.backend.stats().maxActive).toBe(1);
  });

  it('stop() does not wait for a model listing that hangs', async () => {
    const worker = await startWorker(LIST_TIMEOUT_MS.longest);
    const changing = worker
      .setEndpoints([simEndpoint(), { ...frozenEndpoint, url: frozen.url }])
      .catch((error: unknown) => error);
    // The frozen host has the listing's connection: the refresh is waiting on it now.
    await waitFor(() => frozen.connections > 0, {
      description: 'the worker to ask the frozen host for its models',
    });

    const stopStarted = performance.now();
    started.splice(started.indexOf(worker), 1);
    await worker.stop({ graceMs: 0 });
    const stopMs = performance.now() - stopStarted;

    // The listing alone would hold stop() for LIST_TIMEOUT_MS.
    expect(stopMs).toBeLessThan(LIST_TIMEOUT_MS.longest / 2);
    await changing;
    expect(await chatSubscriberCount()).toBe(0);
    const after = await answer(chatRequest(MODELS.chat, 'Anyone?')).catch(
      (error: SwitchyardError) => error.code,
    );
    expect(after).toBe('no_responders');
  });

  /** Connections subscribed to the chat subject, as the NATS server sees them. */
  async function chatSubscriberCount(): Promise<number> {
    const connz = await getMonitoringJson<{ connections?: { subscriptions_list?: string[] }[] }>(
      `${bed.nats.monitorUrl}/connz?subs=1`,
    );
    const subject = bed.subjects.chat(MODELS.chat);
    return (connz.connections ?? []).filter((connection) =>
      connection.subscriptions_list?.includes(subject),
    ).length;
  }
});
