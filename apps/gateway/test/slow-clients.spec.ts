import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { sha256Hex } from '../src/auth/api-key.policy.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const KEY = 'sk-slow';
const RECEIVE_TIMEOUT_MS = 1_000;

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
    const giveUp = setTimeout(() => socket.destroy(), RECEIVE_TIMEOUT_MS * 5);
    try {
      const { text, ms } = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      // The bound, plus at most a quarter of it before Node's next look, plus a loaded machine.
      expect(ms).toBeGreaterThanOrEqual(RECEIVE_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(RECEIVE_TIMEOUT_MS * 4);
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
