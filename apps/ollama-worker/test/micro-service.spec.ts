import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Svcm, type ServiceClient } from '@nats-io/services';
import { encodeModelToken } from '@switchyard/contracts';
import { chatRequest, embeddingRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import type { SubjectStatsData } from '@switchyard/worker-runtime';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

async function all<T>(responses: Promise<AsyncIterable<T>>): Promise<T[]> {
  const collected: T[] = [];
  for await (const response of await responses) collected.push(response);
  return collected;
}

describe('the Ollama worker as a NATS micro service', () => {
  let bed: OllamaTestbed;
  let services: ServiceClient;

  beforeAll(async () => {
    bed = await startOllamaTestbed({ backends: [{ models: [MODELS.chat, MODELS.embed] }] });
    // One worker runs here: its answer is the only one to wait for.
    services = new Svcm(bed.callerNc).client({ strategy: 'count', maxMessages: 1, maxWait: 5_000 });
  });

  afterAll(async () => {
    await bed?.close();
  });

  const ask = (subject: string, request: Parameters<OllamaTestbed['client']['collect']>[1]) =>
    bed.client.collect(subject, request, { timeoutMs: 10_000 + SCHEDULING_SLACK_MS });

  it('answers $SRV.PING and $SRV.INFO with its identity and every subject it serves', async () => {
    const [ping] = await all(services.ping('ollama-worker'));
    expect(ping).toMatchObject({
      name: 'ollama-worker',
      metadata: { kind: 'ollama', worker_id: 'ollama-test-1' },
    });

    const [info] = await all(services.info('ollama-worker'));
    const served = (info?.endpoints ?? []).map((endpoint) => endpoint.subject).sort();
    const expected = [MODELS.chat, 'llama3.2', MODELS.embed, 'all-minilm'].flatMap((model) =>
      (['chat', 'complete', 'embed'] as const).flatMap((operation) => [
        bed.subjects.inference(operation, model),
        bed.subjects.inference(operation, model, 'ollama'),
      ]),
    );
    expect(served).toEqual(expected.sort());
    expect(info?.endpoints[0]?.queue_group).toBe(bed.subjects.workerQueue);
    // The bare names route, and say whose alias they are, so listings show each model once.
    const aliasOf = new Map(
      (info?.endpoints ?? []).map((endpoint) => [
        endpoint.metadata?.['model'],
        endpoint.metadata?.['alias_of'],
      ]),
    );
    expect(Object.fromEntries(aliasOf)).toEqual({
      [MODELS.chat]: undefined,
      'llama3.2': MODELS.chat,
      [MODELS.embed]: undefined,
      'all-minilm': MODELS.embed,
    });
  });

  it('counts requests, errors and latency per subject in $SRV.STATS', async () => {
    const chat = bed.subjects.chat(MODELS.chat);
    for (let i = 0; i < 3; i++) await ask(chat, chatRequest(MODELS.chat, `Hello ${i}`));
    bed.backend.setFaults({ errorRate: 1 });
    await expect(ask(chat, chatRequest(MODELS.chat, 'Fail'))).rejects.toThrow();
    bed.backend.clearFaults();
    const embed = bed.subjects.embed(MODELS.embed, 'ollama');
    await ask(embed, embeddingRequest(MODELS.embed, ['a', 'b']));

    const [stats] = await all(services.stats('ollama-worker'));
    const bySubject = new Map(
      (stats?.endpoints ?? []).map((endpoint) => [endpoint.subject, endpoint]),
    );
    const chatStats = bySubject.get(chat);
    expect(chatStats?.name).toBe(`chat_${encodeModelToken(MODELS.chat)}`);
    expect(chatStats?.num_requests).toBe(4);
    expect(chatStats?.data).toMatchObject({
      requests: 4,
      errors: 1,
      in_flight: 0,
      errors_by_code: { backend_error: 1 },
    } satisfies Partial<SubjectStatsData>);
    expect((chatStats?.data as SubjectStatsData).average_latency_ms).toBeGreaterThan(0);
    expect(bySubject.get(embed)?.data).toMatchObject({ requests: 1, errors: 0 });
    expect(bySubject.get(bed.subjects.embed(MODELS.embed))?.data).toMatchObject({ requests: 0 });
  });
});
