import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import type { StreamFrame } from '../src/index.js';
import {
  chatRequest,
  framesOf,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

const MAX_PAYLOAD = 8 * 1024;

/**
 * About `chars` characters of text that costs more bytes in a frame than it has characters:
 * emoji (a surrogate pair, four UTF-8 bytes), accents, quotes and control characters (escaped).
 */
function awkwardText(chars: number, seed: string): string {
  const words = [`${seed} `, 'café ', '"quoted" ', '🚂🚃 ', 'line\n', 'bell\u0007 ', '漢字 '];
  let text = '';
  for (let i = 0; text.length < chars; i++) text += words[i % words.length];
  return text;
}

type DeltaFrame = Extract<StreamFrame, { type: 'delta' }>;

// A worker joins what one backend read brings into one delta, and a non-streamed answer is one
// delta: either can pass the NATS server's max_payload, which nats.js enforces by throwing.
describe('a delta bigger than the NATS server max_payload', () => {
  let fx: StreamFixture;
  const text = awkwardText(40_000, 'text');
  const reasoning = awkwardText(20_000, 'thought');
  const args = JSON.stringify({ path: 'notes.md', content: awkwardText(30_000, 'arg') });

  beforeAll(async () => {
    fx = await startStreamFixture({
      heartbeatIntervalMs: 60_000,
      natsConfig: `max_payload: ${MAX_PAYLOAD}\n`,
    });
    const { server, subjects } = fx;
    server.serve(subjects.chat('text'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text, ttft_ms: 7 });
      return { finish_reason: 'stop', usage };
    });
    server.serve(subjects.chat('parts'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({
        type: 'delta',
        reasoning,
        text,
        tool_calls: [
          { index: 0, id: 'call-0', name: 'write_file', arguments: args },
          { index: 1, id: 'call-1', name: 'list_files', arguments: '{}' },
        ],
      });
      return { finish_reason: 'tool_calls', usage };
    });
    server.serve(subjects.chat('result'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', result: { modelfile: 'x'.repeat(3 * MAX_PAYLOAD) } });
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  const deltasOf = (frames: StreamFrame[]): DeltaFrame[] =>
    frames.filter((frame): frame is DeltaFrame => frame.type === 'delta');

  it('goes out as frames that fit and join to the same text, never cut inside a character', async () => {
    const frames = await framesOf(fx, 'text');
    const deltas = deltasOf(frames);
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'stop' });
    expect(deltas.length).toBeGreaterThan(Buffer.byteLength(text) / MAX_PAYLOAD);
    expect(deltas.map((delta) => delta.text).join('')).toBe(text);
    for (const delta of deltas) {
      // A lone half of a surrogate pair does not survive UTF-8: it comes back as U+FFFD.
      expect(Buffer.from(delta.text ?? '').toString()).toBe(delta.text);
      expect(Buffer.byteLength(JSON.stringify(delta))).toBeLessThanOrEqual(MAX_PAYLOAD);
    }
    expect(deltas.map((delta) => delta.ttft_ms)).toEqual([
      7,
      ...deltas.slice(1).map(() => undefined),
    ]);
  });

  it('keeps reasoning before text before tool calls, and each call whole once joined', async () => {
    const frames = await framesOf(fx, 'parts');
    const deltas = deltasOf(frames);
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'tool_calls' });

    const order = deltas.map((delta) =>
      delta.reasoning !== undefined ? 0 : delta.text !== undefined ? 1 : 2,
    );
    expect(order).toEqual([...order].sort());
    expect(deltas.map((delta) => delta.reasoning ?? '').join('')).toBe(reasoning);
    expect(deltas.map((delta) => delta.text ?? '').join('')).toBe(text);

    const fragments = deltas.flatMap((delta) => delta.tool_calls ?? []);
    const call = (index: number) => fragments.filter((fragment) => fragment.index === index);
    expect(call(0).length).toBeGreaterThan(1);
    expect(call(0)[0]).toMatchObject({ id: 'call-0', name: 'write_file' });
    // Receivers take id and name from a call's first fragment and append the rest's arguments.
    expect(
      call(0)
        .slice(1)
        .every((f) => f.id === undefined && f.name === undefined),
    ).toBe(true);
    expect(
      call(0)
        .map((fragment) => fragment.arguments)
        .join(''),
    ).toBe(args);
    expect(call(1)).toEqual([{ index: 1, id: 'call-1', name: 'list_files', arguments: '{}' }]);
  });

  it('that cannot be cut ends its stream with payload_too_large naming the limit', async () => {
    const frames: StreamFrame[] = [];
    const error = await thrownBy(async () => {
      const stream = fx.client.stream(fx.subjects.chat('result'), chatRequest(), {
        timeoutMs: 10_000,
      });
      for await (const frame of stream) frames.push(frame);
    });
    expect(frames.map((frame) => frame.type)).toEqual(['start']);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'payload_too_large', retryable: false });
    expect((error as Error).message).toContain(`max_payload (${MAX_PAYLOAD} bytes)`);
    // The server serves on.
    const next = await framesOf(fx, 'text');
    expect(next.at(-1)).toMatchObject({ type: 'end' });
  });
});
