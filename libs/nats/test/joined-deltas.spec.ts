import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema } from '@switchyard/contracts';
import type { StreamFrame } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

// Deltas a handler sends in one turn of the event loop (the tokens of one backend read) travel
// as one frame; anything that is not plain text or reasoning keeps its place between them.
const hel = { token: 'Hel', logprob: -0.5, top_logprobs: [{ token: 'Hel', logprob: -0.5 }] };
const lo = { token: 'lo', logprob: -0.01, bytes: [108, 111] };
const comma = { token: ',', logprob: -1.25 };
const world = { token: ' world', logprob: -2 };
const question = { token: '?', logprob: -3 };

describe('deltas sent together', () => {
  let fx: StreamFixture;
  const deltaSeen = new Map<string, () => void>();

  beforeAll(async () => {
    // No heartbeat within the client's idle timeout: nothing but the end of the turn can carry a
    // held delta out.
    fx = await startStreamFixture({ heartbeatIntervalMs: 60_000 });
    fx.server.serve(fx.subjects.chat('burst'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', reasoning: 'think ', ttft_ms: 12 });
      ctx.send({ type: 'delta', reasoning: 'more' });
      ctx.send({ type: 'delta', text: 'Hello' });
      ctx.send({ type: 'delta', text: ', world' });
      ctx.send({ type: 'delta', tool_calls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] });
      ctx.send({ type: 'delta', text: '!' });
      await new Promise((resolve) => setImmediate(resolve));
      ctx.send({ type: 'delta', text: ' Next turn.' });
      ctx.send({ type: 'delta', text: ' Same turn.' });
      return { finish_reason: 'stop', usage };
    });
    fx.server.serve(
      fx.subjects.chat('logprobs'),
      { schema: chatRequestSchema },
      async (_r, ctx) => {
        ctx.start({ kind: 'vllm', backend: 'vllm-1' });
        ctx.send({ type: 'delta', text: 'Hel', logprobs: [hel] });
        ctx.send({ type: 'delta', text: 'lo', logprobs: [lo] });
        ctx.send({ type: 'delta', text: ', world', logprobs: [comma, world] });
        // Text without entries (a backend that stopped giving them) must not join, or the joined
        // entries would no longer match the joined text token for token.
        ctx.send({ type: 'delta', text: '!' });
        ctx.send({ type: 'delta', text: '?', logprobs: [question] });
        return { finish_reason: 'stop', usage };
      },
    );
    // Each handler goes on only once its client holds the delta: the delta must leave on its
    // own at the end of the turn, whatever the number of streams sending in that turn.
    fx.server.serve(fx.subjects.chat('held'), { schema: chatRequestSchema }, async (r, ctx) => {
      const seen = new Promise<void>((resolve) => deltaSeen.set(r.id, resolve));
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: `for ${r.id}` });
      await seen;
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('are joined per kind, in order, numbered without gaps, before the end', async () => {
    const frames: StreamFrame[] = [];
    const request = chatRequest();
    for await (const frame of fx.client.stream(fx.subjects.chat('burst'), request, {
      timeoutMs: 10_000,
    })) {
      frames.push(frame);
    }
    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_frame, index) => index));
    const deltas = frames
      .filter((frame) => frame.type === 'delta')
      .map(({ seq: _seq, type: _type, ...rest }) => rest);
    expect(deltas).toEqual([
      { reasoning: 'think more', ttft_ms: 12 },
      { text: 'Hello, world' },
      { tool_calls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] },
      { text: '!' },
      { text: ' Next turn. Same turn.' },
    ]);
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'stop' });
  });

  it('join text with its logprobs, the entries concatenated in order', async () => {
    const frames: StreamFrame[] = [];
    for await (const frame of fx.client.stream(fx.subjects.chat('logprobs'), chatRequest(), {
      timeoutMs: 10_000,
    })) {
      frames.push(frame);
    }
    const deltas = frames
      .filter((frame) => frame.type === 'delta')
      .map(({ seq: _seq, type: _type, ...rest }) => rest);
    expect(deltas).toEqual([
      { text: 'Hello, world', logprobs: [hel, lo, comma, world] },
      { text: '!' },
      { text: '?', logprobs: [question] },
    ]);
  });

  it('leave at the end of their turn for every stream, however many sent in it', async () => {
    const requests = Array.from({ length: 40 }, () => chatRequest());
    const texts = await Promise.all(
      requests.map(async (request) => {
        let text = '';
        for await (const frame of fx.client.stream(fx.subjects.chat('held'), request, {
          timeoutMs: 10_000,
        })) {
          if (frame.type !== 'delta') continue;
          text += frame.text ?? '';
          deltaSeen.get(request.id)?.();
        }
        return text;
      }),
    );
    expect(texts).toEqual(requests.map((request) => `for ${request.id}`));
  });
});
