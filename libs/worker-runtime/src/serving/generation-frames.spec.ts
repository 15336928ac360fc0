import { describe, expect, it } from '@jest/globals';
import type { UnnumberedFrame } from '@switchyard/contracts';
import type { GenerationEvent } from '../backend-adapter.js';
import { float32ToBase64, GenerationFrames } from './generation-frames.js';

/** The frames of `events`, read as the inference handler reads them, 2 ms apart. */
async function collect(events: GenerationEvent[]): Promise<UnnumberedFrame[]> {
  const mapping = new GenerationFrames({ sentAt: performance.now(), queueMs: 3 });
  const frames: UnnumberedFrame[] = [];
  for (const event of events) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const frame = mapping.frameOf(event);
    if (frame !== undefined) frames.push(frame);
  }
  // As the handler does once the events are over: an answer without its end fails.
  mapping.endOfAnswer();
  return frames;
}

describe('GenerationFrames', () => {
  it('passes text, reasoning and tool-call fragments through and skips empty deltas', async () => {
    const frames = await collect([
      { type: 'loading' },
      { type: 'delta', reasoning: 'hmm' },
      { type: 'delta', text: '' },
      { type: 'delta', text: 'Hi' },
      { type: 'delta', tool_calls: [{ index: 0, id: 'call_1', name: 'f', arguments: '{}' }] },
      {
        type: 'end',
        finish_reason: 'tool_calls',
        usage: { prompt_tokens: 4, completion_tokens: 3 },
      },
    ]);
    expect(frames.slice(0, 4)).toEqual([
      { type: 'heartbeat', phase: 'loading' },
      // Only the first output says how long it took to come.
      { type: 'delta', reasoning: 'hmm', ttft_ms: expect.any(Number) },
      { type: 'delta', text: 'Hi' },
      { type: 'delta', tool_calls: [{ index: 0, id: 'call_1', name: 'f', arguments: '{}' }] },
    ]);
    expect(frames).toHaveLength(5);
  });

  it('passes the logprobs of a text delta with it, and drops those of a delta without text', async () => {
    const hi = { token: 'Hi', logprob: -0.5, top_logprobs: [{ token: 'Hi', logprob: -0.5 }] };
    const frames = await collect([
      { type: 'delta', text: 'Hi', logprobs: [hi] },
      { type: 'delta', reasoning: 'hmm', logprobs: [{ token: 'hmm', logprob: -1 }] },
      { type: 'delta', text: '!', logprobs: [] },
      { type: 'end', finish_reason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 3 } },
    ]);
    expect(frames.slice(0, 3)).toEqual([
      { type: 'delta', text: 'Hi', logprobs: [hi], ttft_ms: expect.any(Number) },
      { type: 'delta', reasoning: 'hmm' },
      { type: 'delta', text: '!' },
    ]);
  });

  it('measures time to first token and speed when the backend reports no timings', async () => {
    const frames = await collect([
      { type: 'delta', text: 'a' },
      { type: 'delta', text: 'b' },
      { type: 'delta', text: 'c' },
      { type: 'end', finish_reason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 3 } },
    ]);
    const end = frames.at(-1);
    expect(end).toMatchObject({
      type: 'end',
      finish_reason: 'stop',
      timings: { source: 'worker', queue_ms: 3 },
    });
    if (end?.type !== 'end') throw new Error('no end frame');
    expect(end.timings?.ttft_ms).toBeGreaterThan(0);
    // The first delta carries the same measurement, before the end frame exists.
    expect(frames[0]).toMatchObject({ ttft_ms: end.timings?.ttft_ms });
    expect(end.timings?.tokens_per_second).toBeGreaterThan(0);
    expect(end.timings?.total_ms).toBeGreaterThanOrEqual(end.timings?.ttft_ms ?? Infinity);
  });

  it("keeps the backend's own timings when it reports them", async () => {
    const frames = await collect([
      { type: 'delta', text: 'a' },
      {
        type: 'end',
        finish_reason: 'length',
        usage: { prompt_tokens: 1, completion_tokens: 1 },
        timings: { source: 'backend', ttft_ms: 42, tokens_per_second: 99 },
      },
    ]);
    expect(frames.at(-1)).toMatchObject({
      timings: { source: 'backend', ttft_ms: 42, tokens_per_second: 99, queue_ms: 3 },
    });
  });

  it('encodes embeddings as little-endian float32 base64', async () => {
    const vector = new Float32Array([1, -2.5, 0.125]);
    const frames = await collect([
      { type: 'embedding', index: 0, vector },
      { type: 'end', finish_reason: 'stop', usage: { prompt_tokens: 2, completion_tokens: 0 } },
    ]);
    const b64 = float32ToBase64(vector);
    expect(frames[0]).toEqual({
      type: 'delta',
      embedding: { index: 0, b64 },
      ttft_ms: expect.any(Number),
    });
    const bytes = Buffer.from(b64, 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)]).toEqual([
      1, -2.5, 0.125,
    ]);
  });

  it('treats an answer that stops without an end as a backend error', async () => {
    await expect(collect([{ type: 'delta', text: 'cut' }])).rejects.toMatchObject({
      code: 'backend_error',
      retryable: true,
    });
  });
});
