import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { countTokens, expectedCompletion, expectedEmbedding } from '@switchyard/backend-sim';
import { MODELS, startOllamaTestbed, type OllamaTestbed } from './support/ollama-testbed.js';

// A caller with nothing but nats.js and docs/protocol.md: its own subjects, JSON and frame
// checks, none of Switchyard's code. What the worker sends must be enough for it.

/** The model-name token of docs/protocol.md, written from the page. */
function modelToken(name: string): string {
  let token = '';
  for (const char of name.split('')) {
    const unit = char.charCodeAt(0);
    if (/^[A-Za-z0-9-]$/.test(char)) token += char;
    else if (unit < 0x80) token += `_${unit.toString(16).toUpperCase().padStart(2, '0')}`;
    else token += `_u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return token || '_';
}

type Frame = Record<string, unknown> & { type: string; seq: number };

/** Publishes a request with a reply inbox and reads frames until the terminal one. */
async function request(nc: NatsConnection, operation: string, body: object): Promise<Frame[]> {
  const model = (body as { model: string }).model;
  const inbox = createInbox();
  const replies = nc.subscribe(inbox, { timeout: 5_000 + 2 * SCHEDULING_SLACK_MS });
  nc.publish(`switchyard.v1.${operation}.${modelToken(model)}`, JSON.stringify(body), {
    reply: inbox,
  });
  const frames: Frame[] = [];
  for await (const message of replies) {
    if (message.headers?.code === 503) throw new Error(`nobody serves ${model}`);
    const frame = JSON.parse(new TextDecoder().decode(message.data)) as Frame;
    frames.push(frame);
    if (frame.type === 'end' || frame.type === 'error') break;
  }
  replies.unsubscribe();
  return frames;
}

function textOf(frames: Frame[]): string {
  return frames.map((frame) => (frame.type === 'delta' ? (frame['text'] ?? '') : '')).join('');
}

describe('a plain nats.js caller speaking the documented protocol', () => {
  let bed: OllamaTestbed;

  beforeAll(async () => {
    bed = await startOllamaTestbed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('gets a chat answer as numbered frames: start, deltas, end with usage', async () => {
    const messages = [{ role: 'user', content: 'Say hello.' }];
    const plan = expectedCompletion({ model: MODELS.chat, messages });

    const frames = await request(bed.callerNc, 'chat', {
      id: 'plain-chat-1',
      model: MODELS.chat,
      messages,
    });

    expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_frame, index) => index));
    expect(frames[0]).toMatchObject({
      type: 'start',
      request_id: 'plain-chat-1',
      kind: 'ollama',
      cancel: 'switchyard.v1.cancel.plain-chat-1',
    });
    expect(textOf(frames)).toBe(plan.text);
    expect(frames.at(-1)).toMatchObject({
      type: 'end',
      finish_reason: 'stop',
      usage: { prompt_tokens: plan.promptTokens, completion_tokens: plan.completionTokens },
    });
  });

  it('gets a completion', async () => {
    const plan = expectedCompletion({ model: MODELS.chat, prompt: 'The capital of France is' });

    const frames = await request(bed.callerNc, 'complete', {
      id: 'plain-complete-1',
      model: MODELS.chat,
      prompt: 'The capital of France is',
      max_tokens: 4,
    });

    expect(textOf(frames)).toBe(plan.pieces.slice(0, 4).join(''));
    expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'length' });
  });

  it('gets embeddings as base64 little-endian float32, one per input', async () => {
    const input = ['alpha', 'beta gamma'];

    const frames = await request(bed.callerNc, 'embed', {
      id: 'plain-embed-1',
      model: MODELS.embed,
      input,
    });

    const vectors = frames
      .filter((frame) => frame.type === 'delta')
      .map((frame) => frame['embedding'] as { index: number; b64: string })
      .sort((a, b) => a.index - b.index)
      .map(({ b64 }) => {
        const bytes = Buffer.from(b64, 'base64');
        return Array.from({ length: bytes.length / 4 }, (_v, i) => bytes.readFloatLE(i * 4));
      });
    expect(vectors).toEqual(
      input.map((text) => Array.from(expectedEmbedding({ model: MODELS.embed, text }))),
    );
    expect(frames.at(-1)).toMatchObject({
      type: 'end',
      usage: { prompt_tokens: countTokens('alpha') + countTokens('beta gamma') },
    });
  });

  it('is told at once, by the NATS server, when nobody serves the model', async () => {
    const started = performance.now();
    await expect(
      request(bed.callerNc, 'chat', {
        id: 'plain-nobody-1',
        model: 'no-such-model:7b',
        messages: [{ role: 'user', content: 'Hello?' }],
      }),
    ).rejects.toThrow('nobody serves no-such-model:7b');
    expect(performance.now() - started).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
  });
});
