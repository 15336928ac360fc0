import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, urlOf, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';

/** A chat of `words` tokens at most to the gateway at `url`. */
function postChat(url: string, words: number, stream: boolean): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Talk.' }],
      max_tokens: words,
      stream,
    }),
  });
}

function streamChat(url: string, words: number): Promise<string> {
  return postChat(url, words, true).then((response) => response.text());
}

/** A non-streamed chat: its status, Retry-After and body. */
async function wholeChat(url: string, words: number) {
  const response = await postChat(url, words, false);
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { error?: { code: string; type: string } },
  };
}

describe('gateway instances: two on one NATS, health, readiness and graceful shutdown', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    // 25 tokens a second: a 10-word answer takes 0.4 s, a 100-word one 4 s; the grace is 1 s.
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim: { tokensPerSecond: 25, answerTokens: 200, maxConcurrency: 4 } },
      ],
      gateways: 2,
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('two gateways serve the same fleet: the same models and the same answers, concurrently', async () => {
    const [first, second] = fleet.urls.map(
      (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }),
    ) as [OpenAI, OpenAI];
    const ids = async (client: OpenAI) => (await client.models.list()).data.map((m) => m.id);
    expect(await ids(first)).toEqual(await ids(second));
    const asks = ['one', 'two', 'three', 'four'].map((word, i) => {
      const messages = [{ role: 'user' as const, content: `Say ${word}.` }];
      return {
        messages,
        answer: (i % 2 === 0 ? first : second).chat.completions.create({
          model: MODEL,
          messages,
          max_tokens: 5,
        }),
      };
    });
    for (const ask of asks) {
      expect((await ask.answer).choices[0]?.message.content).toBe(
        expectedCompletion({ model: MODEL, messages: ask.messages, maxTokens: 5 }).text,
      );
    }
  });

  it('answers /healthz and /readyz while running', async () => {
    const health = await fetch(`${fleet.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^req_/);
    const ready = await fetch(`${fleet.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('on shutdown refuses new work, finishes short streams and cuts long ones in-band', async () => {
    const gateway = fleet.gateways[1];
    if (gateway === undefined) throw new Error('two gateways expected');
    const url = urlOf(gateway);
    const sim = fleet.sim('ollama');
    const short = streamChat(url, 10);
    const long = streamChat(url, 100);
    const longWhole = wholeChat(url, 100);
    await waitFor(() => sim.stats().active === 3, { description: 'all three answers to start' });
    const stopping = gateway.stop('test');
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, {
      timeoutMs: 1_000 + SCHEDULING_SLACK_MS,
      description: '/readyz to answer 503 once stopping',
    });
    const refused = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');

    const shortText = await short;
    expect(shortText.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const longText = await long;
    expect(longText).not.toContain('[DONE]');
    // The client did not cancel: the in-band error says why the answer stopped, retryable.
    const cutEvent = longText.split('\n').find((line) => line.includes('"error"'));
    expect(JSON.parse(cutEvent?.slice('data: '.length) ?? '{}')).toMatchObject({
      error: {
        code: 'overloaded',
        type: 'server_error',
        message: 'the gateway shut down before the answer was complete',
      },
    });
    // Nothing of it was sent yet: a retryable 503, so a client's retry reaches another gateway.
    const cut = await longWhole;
    expect(cut.status).toBe(503);
    expect(cut.retryAfter).toBe('1');
    expect(cut.body.error).toMatchObject({ code: 'overloaded' });
    await stopping;
    await waitFor(() => sim.stats().aborted === 2, {
      description: 'both long answers to be cancelled',
    });
  });
});
