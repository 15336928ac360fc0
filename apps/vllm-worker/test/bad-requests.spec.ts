import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  chatRequest,
  RawReplies,
  SCHEDULING_SLACK_MS,
  TEST_WORKER_SETTINGS,
} from '@switchyard/testing';
import { MODELS, startVllmTestbed, type VllmTestbed } from './support/vllm-testbed.js';

const oversized = JSON.stringify(
  chatRequest(MODELS.chat, 'x'.repeat(TEST_WORKER_SETTINGS.maxRequestBytes)),
);

describe('requests a vLLM worker cannot take', () => {
  let bed: VllmTestbed;

  beforeAll(async () => {
    // Two models on one backend: a request may name one on the other's subject.
    bed = await startVllmTestbed({ backends: [{ models: [MODELS.chat, MODELS.think] }] });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it.each([
    ['not JSON', '{"id": "req-1", "model":', /^chat request is not valid JSON$/],
    [
      'without messages',
      JSON.stringify({ id: 'req-2', model: MODELS.chat }),
      /^chat request is invalid: messages/,
    ],
    [
      'with an empty conversation',
      JSON.stringify({ id: 'req-3', model: MODELS.chat, messages: [] }),
      /messages must hold at least one message/,
    ],
    [
      'without an id',
      JSON.stringify({ model: MODELS.chat, messages: [{ role: 'user', content: 'Hi' }] }),
      /^chat request is invalid: id/,
    ],
    [
      'with an id that cannot name a subject',
      JSON.stringify(chatRequest(MODELS.chat, 'Hi', { id: 'a.b' })),
      /request ids are 1 to 128 letters/,
    ],
    ['larger than the limit', oversized, /^chat request is \d+ bytes; the limit is 524288$/],
    [
      "naming another model it serves than its subject's",
      JSON.stringify(chatRequest(MODELS.think, 'Hi')),
      /^model "Qwen\/Qwen3-think-0\.6B" is not the model the subject names, "Qwen\/Qwen2\.5-0\.5B-Instruct"$/,
    ],
    [
      'naming a model nobody serves',
      JSON.stringify(chatRequest('nobody/serves-this', 'Hi')),
      /^model "nobody\/serves-this" is not the model the subject names/,
    ],
  ])(
    'answers one bad_request error frame, and nothing else, to a request %s',
    async (_what, payload, message) => {
      const replies = RawReplies.send(bed.callerNc, bed.subjects.chat(MODELS.chat), payload);

      const frames = await replies.settle(200);

      expect(frames).toEqual([
        {
          type: 'error',
          seq: 0,
          error: expect.objectContaining({ code: 'bad_request', retryable: false }),
        },
      ]);
      expect(frames[0]?.type === 'error' && frames[0].error.message).toMatch(message);
    },
  );

  it('keeps serving after them', async () => {
    const result = await bed.client.collect(
      bed.subjects.chat(MODELS.chat),
      chatRequest(MODELS.chat, 'Still there?'),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    );
    expect(result.end.finish_reason).toBe('stop');
    expect(bed.backend.stats().received).toBe(1);
  });
});
