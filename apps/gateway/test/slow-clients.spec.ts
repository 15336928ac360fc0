import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { sha256Hex } from '../src/auth/api-key.policy.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const KEY = 'sk-slow';
const RECEIVE_TIMEOUT_MS = 1_000;
// The bound, plus at most a quarter of it before Node's next look, plus a loaded machine's slack.
const CUT_OFF_WITHIN_MS = RECEIVE_TIMEOUT_MS * 1.25 + SCHEDULING_SLACK_MS;

/** What a raw connection got before it was closed, and after how long. */
function closedAnswer(socket: Socket, startedAt: number): Promise<{ text: string; ms: number }> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, ms: performance.now() - startedAt }));
  });
}

// gateway.receive_timeout_ms: a client has that long to send its whole request. Fastify turns
// Node's own bound off, so a body trickled a byte at a time held its connection for ever.
describe('a client that sends its request slowly', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({
      apiKey: KEY,
      backends: [{ kind: 'ollama', sim: { tokensPerSecond: 20, answerTokens: 100 } }],
      gateway: { api_key_hashes: [sha256Hex(KEY)], receive_timeout_ms: RECEIVE_TIMEOUT_MS },
    });
  });
  afterAll(() => fleet?.close());

  it('is answered 408 and cut off once its body takes longer than receive_timeout_ms', async () => {
    const { hostname, port } = new URL(fleet.url);
    const socket = connect(Number(port), hostname);
    const startedAt = performance.now();
    const answer = closedAnswer(socket, startedAt);
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n' +
        `Authorization: Bearer ${KEY}\r\nContent-Type: application/json\r\n` +
        'Content-Length: 1000\r\n\r\n{',
    );
    // A byte every 100 ms: never idle long, never done.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    // Without the bound the connection stays open: give up on it well before jest does.
    const giveUp = setTimeout(() => socket.destroy(), CUT_OFF_WITHIN_MS + RECEIVE_TIMEOUT_MS);
    try {
      const { text, ms } = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeGreaterThanOrEqual(RECEIVE_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(CUT_OFF_WITHIN_MS);
    } finally {
      clearInterval(trickle);
      clearTimeout(giveUp);
      socket.destroy();
    }
  });

  it('bounds only receiving: an answer that streams for longer still finishes', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const startedAt = performance.now();
    const stream = await client.chat.completions.create({
      model: 'llama3.2:latest',
      messages: [{ role: 'user', content: 'Tell me about rivers.' }],
      max_tokens: 40,
      stream: true,
    });
    let finish: string | null | undefined;
    for await (const chunk of stream) finish ??= chunk.choices[0]?.finish_reason;
    expect(performance.now() - startedAt).toBeGreaterThan(RECEIVE_TIMEOUT_MS * 1.5);
    expect(finish).toBe('length');
  });
});

// A client that reads none of a streamed answer: once its socket's buffers are full the gateway
// waited for them to drain for ever, holding the connection, while the backend generated on for
// nobody until the request's deadline. It is cut off after gateway.stream_idle_timeout_ms.
describe('a client that reads none of a streamed answer', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({
      apiKey: KEY,
      // Fast, and with every token's 20 alternatives: the sockets' buffers fill within seconds.
      backends: [{ kind: 'ollama', sim: { tokensPerSecond: 5_000, answerTokens: 60_000 } }],
      gateway: { api_key_hashes: [sha256Hex(KEY)], stream_idle_timeout_ms: 2_000 },
    });
  });
  afterAll(() => fleet?.close());

  it('is cut off after stream_idle_timeout_ms', async () => {
    const { hostname, port } = new URL(fleet.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    const body = JSON.stringify({
      model: 'llama3.2:latest',
      messages: [{ role: 'user', content: 'Tell me about rivers.' }],
      max_tokens: 60_000,
      stream: true,
      logprobs: true,
      top_logprobs: 20,
    });
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n' +
        `Authorization: Bearer ${KEY}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let head = '';
    // The answer's first bytes arrive; then the client reads nothing more (a paused socket
    // does not see the gateway close it either: the gateway's metrics tell).
    socket.once('data', (chunk: Buffer) => {
      head = chunk.toString('utf8');
      socket.pause();
    });
    try {
      // The answer is counted once its connection closes. 60,000 tokens, each with its 20
      // alternatives, are far more than the sockets' buffers hold: without the bound the
      // gateway waits on them until the client leaves, however long the backend takes.
      await waitFor(
        async () => {
          const metrics = await fetch(`${fleet.url}/metrics`, {
            headers: { authorization: `Bearer ${KEY}` },
          });
          return (await metrics.text()).includes(
            'switchyard_gateway_requests_total{route="/v1/chat/completions"',
          );
        },
        { timeoutMs: 25_000, intervalMs: 250, description: 'the gateway to close the stream' },
      );
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      socket.destroy();
    }
  }, 40_000);
});
