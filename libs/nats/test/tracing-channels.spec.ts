import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { TRACING_CHANNELS } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

type ChannelName = (typeof TRACING_CHANNELS)[keyof typeof TRACING_CHANNELS];

// Both ends run in this process, so one recorder sees every step of a request, in order.
describe('the tracing channels', () => {
  let fx: StreamFixture;
  const seen: { channel: ChannelName; message: Record<string, unknown> }[] = [];
  const recorders = Object.values(TRACING_CHANNELS).map((name) => ({
    name,
    record: (message: unknown) => seen.push({ channel: name, message: { ...(message as object) } }),
  }));
  const of = (channel: ChannelName) => seen.filter((step) => step.channel === channel);

  beforeAll(async () => {
    fx = await startStreamFixture();
    fx.server.serve(fx.subjects.chat('traced'), { schema: chatRequestSchema }, (_request, ctx) => {
      ctx.start({ kind: 'vllm', backend: 'vllm-1' });
      ctx.send({ type: 'delta', text: 'Hello' });
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });
  afterEach(() => {
    for (const { name, record } of recorders) unsubscribe(name, record);
    seen.length = 0;
  });
  afterAll(() => fx?.close());

  it('marks the request going out and coming in, and every frame both ways', async () => {
    for (const { name, record } of recorders) subscribe(name, record);
    const request = chatRequest();
    const subject = fx.subjects.chat('traced');
    await fx.client.collect(subject, request, { timeoutMs: 5_000 + SCHEDULING_SLACK_MS });

    expect(of(TRACING_CHANNELS.requestPublish).map((step) => step.message)).toEqual([
      { subject, requestId: request.id },
    ]);
    const received = of(TRACING_CHANNELS.requestReceive).map((step) => step.message);
    expect(received).toEqual([{ subject, requestId: request.id, inbox: expect.any(String) }]);
    expect(of(TRACING_CHANNELS.framePublish).map((step) => step.message)).toEqual(
      ['start', 'delta', 'end'].map((type, seq) => ({ inbox: received[0]?.['inbox'], type, seq })),
    );
    expect(of(TRACING_CHANNELS.frameReceive).map((step) => step.message)).toEqual(
      ['start', 'delta', 'end'].map((type, seq) => ({ requestId: request.id, type, seq })),
    );
    // In the order the steps happened: sent, taken, the start frame out, and in.
    expect(seen.slice(0, 3).map((step) => step.channel)).toEqual([
      TRACING_CHANNELS.requestPublish,
      TRACING_CHANNELS.requestReceive,
      TRACING_CHANNELS.framePublish,
    ]);
    expect(seen.at(-1)).toMatchObject({
      channel: TRACING_CHANNELS.frameReceive,
      message: { type: 'end' },
    });
  });

  it('marks an error frame as one', async () => {
    fx.server.serve(fx.subjects.chat('traced-failing'), { schema: chatRequestSchema }, () => {
      throw new Error('the backend broke');
    });
    await fx.serverNc.flush();
    for (const { name, record } of recorders) subscribe(name, record);
    const request = chatRequest();
    await expect(
      fx.client.collect(fx.subjects.chat('traced-failing'), request, {
        timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      }),
    ).rejects.toThrow();

    expect(of(TRACING_CHANNELS.framePublish).map((step) => step.message['type'])).toEqual([
      'error',
    ]);
    expect(of(TRACING_CHANNELS.frameReceive).map((step) => step.message)).toEqual([
      { requestId: request.id, type: 'error', seq: 0 },
    ]);
  });
});
