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
describe('deltas sent together', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture();
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
});
