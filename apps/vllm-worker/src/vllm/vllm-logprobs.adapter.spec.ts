import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatRequest, CompletionRequest } from '@switchyard/contracts';
import { collect, recordUrlAndBody, useRecordingBackend } from '@switchyard/testing';
import { VllmAdapter } from './vllm.adapter.js';

// A real HTTP server plays vLLM answering with log-probabilities, in the shapes of vLLM's
// OpenAI-compatible server: a chat's `logprobs.content` entries, a completion's parallel lists
// with a `{token: logprob}` dict per position (which holds the chosen token besides the ones
// asked for when it is not among them).

const hel = {
  token: 'Hel',
  logprob: -0.25,
  bytes: [72, 101, 108],
  top_logprobs: [
    { token: 'Hel', logprob: -0.25, bytes: [72, 101, 108] },
    { token: 'Hi', logprob: -1.5, bytes: [72, 105] },
  ],
};
const lo = {
  token: 'lo!',
  logprob: -0.5,
  bytes: [108, 111, 33],
  top_logprobs: [
    { token: 'lo!', logprob: -0.5, bytes: [108, 111, 33] },
    { token: 'lo', logprob: -1, bytes: [108, 111] },
  ],
};

const chatChunk = (delta: unknown, logprobs: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-lp',
    object: 'chat.completion.chunk',
    created: 1740000000,
    model: 'my-model',
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
  })}\n\n`;
const completionChunk = (text: string, logprobs: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'cmpl-lp',
    object: 'text_completion',
    created: 1740000000,
    model: 'my-model',
    choices: [{ index: 0, text, logprobs, finish_reason: finish }],
  })}\n\n`;
const USAGE =
  'data: {"id":"x","choices":[],"usage":{"prompt_tokens":4,"total_tokens":6,"completion_tokens":2}}\n\n';

const CHAT_SSE =
  chatChunk({ role: 'assistant', content: '' }, null) +
  chatChunk({ content: 'Hel' }, { content: [hel] }) +
  chatChunk({ content: 'lo!' }, { content: [lo] }, 'stop') +
  USAGE +
  'data: [DONE]\n\n';

// Two tokens in one chunk; the second position's dict holds the chosen token as a third entry.
const COMPLETION_SSE =
  completionChunk(' upon a', {
    text_offset: [4, 9],
    tokens: [' upon', ' a'],
    token_logprobs: [-0.75, -3],
    top_logprobs: [
      { ' on': -1.25, ' upon': -0.75 },
      { ' the': -0.5, ' one': -2, ' a': -3 },
    ],
  }) +
  completionChunk(
    ' time',
    {
      text_offset: [11],
      tokens: [' time'],
      token_logprobs: [-0.1],
      top_logprobs: [{ ' time': -0.1 }],
    },
    'length',
  ) +
  USAGE +
  'data: [DONE]\n\n';

const CHAT_ANSWER = {
  id: 'chatcmpl-lp',
  object: 'chat.completion',
  created: 1740000000,
  model: 'my-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello!', reasoning_content: null },
      logprobs: { content: [hel, lo] },
      finish_reason: 'stop',
      stop_reason: null,
    },
  ],
  usage: { prompt_tokens: 4, total_tokens: 6, completion_tokens: 2 },
};

const COMPLETION_ANSWER = {
  id: 'cmpl-lp',
  object: 'text_completion',
  created: 1740000000,
  model: 'my-model',
  choices: [
    {
      index: 0,
      text: ' upon',
      logprobs: {
        text_offset: [4],
        tokens: [' upon'],
        token_logprobs: [-0.75],
        top_logprobs: [{ ' on': -1.25, ' upon': -0.75 }],
      },
      finish_reason: 'length',
      stop_reason: null,
    },
  ],
  usage: { prompt_tokens: 1, total_tokens: 2, completion_tokens: 1 },
};

// An older or differently configured server that ignores the ask: nothing is made up.
const NO_LOGPROBS_SSE =
  chatChunk({ content: 'Hel' }, null) + chatChunk({ content: 'lo!' }, null, 'stop') + USAGE;

function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  if (body['stream'] === false) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/v1/completions' ? COMPLETION_ANSWER : CHAT_ANSWER));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (req.url === '/v1/completions') return void res.end(COMPLETION_SSE);
  res.end(body['model'] === 'plain' ? NO_LOGPROBS_SSE : CHAT_SSE);
}

const adapter = new VllmAdapter();
const { backend, endpoint, signal } = useRecordingBackend({
  route,
  record: recordUrlAndBody,
  endpoint: { id: 'vllm-test' },
  closeAfter: adapter,
});

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return { id: 'r', model: 'my-model', messages: [{ role: 'user', content: 'Hi' }], ...fields };
}

function completion(fields: Partial<CompletionRequest> = {}): CompletionRequest {
  return { id: 'r', model: 'my-model', prompt: 'Once', ...fields };
}

describe('VllmAdapter log-probabilities', () => {
  it('asks a chat for them as a switch and a count, and gives each text delta its entries', async () => {
    const events = await collect(adapter.chat(endpoint, chat({ logprobs: 2 }), signal()));
    expect(backend.requests.at(-1)).toEqual({
      url: '/v1/chat/completions',
      body: {
        model: 'my-model',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
        logprobs: true,
        top_logprobs: 2,
      },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hel', logprobs: [hel] },
      { type: 'delta', text: 'lo!', logprobs: [lo] },
    ]);
    expect(events[2]).toMatchObject({ type: 'end', finish_reason: 'stop' });
  });

  it('reads them from a whole chat answer', async () => {
    const events = await collect(
      adapter.chat(endpoint, chat({ logprobs: 2, stream: false }), signal()),
    );
    expect(backend.requests.at(-1)?.body).toMatchObject({
      stream: false,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(events[0]).toEqual({ type: 'delta', text: 'Hello!', logprobs: [hel, lo] });
  });

  it('asks a completion for a count, and sorts and limits each dict of alternatives', async () => {
    const events = await collect(adapter.complete(endpoint, completion({ logprobs: 2 }), signal()));
    expect(backend.requests.at(-1)).toEqual({
      url: '/v1/completions',
      body: {
        model: 'my-model',
        prompt: 'Once',
        stream: true,
        stream_options: { include_usage: true },
        logprobs: 2,
      },
    });
    expect(events.slice(0, 2)).toEqual([
      {
        type: 'delta',
        text: ' upon a',
        logprobs: [
          {
            token: ' upon',
            logprob: -0.75,
            top_logprobs: [
              { token: ' upon', logprob: -0.75 },
              { token: ' on', logprob: -1.25 },
            ],
          },
          {
            token: ' a',
            logprob: -3,
            top_logprobs: [
              { token: ' the', logprob: -0.5 },
              { token: ' one', logprob: -2 },
            ],
          },
        ],
      },
      {
        type: 'delta',
        text: ' time',
        logprobs: [
          { token: ' time', logprob: -0.1, top_logprobs: [{ token: ' time', logprob: -0.1 }] },
        ],
      },
    ]);
  });

  it('gives the chosen token alone for 0, from a whole completion answer', async () => {
    const events = await collect(
      adapter.complete(endpoint, completion({ logprobs: 0, stream: false }), signal()),
    );
    expect(backend.requests.at(-1)?.body).toMatchObject({ stream: false, logprobs: 0 });
    expect(events[0]).toEqual({
      type: 'delta',
      text: ' upon',
      logprobs: [{ token: ' upon', logprob: -0.75, top_logprobs: [] }],
    });
  });

  it('asks a completion sent as a chat the way chats are asked', async () => {
    await collect(
      adapter.complete(endpoint, completion({ system: 'Be brief.', logprobs: 1 }), signal()),
    );
    expect(backend.requests.at(-1)).toMatchObject({
      url: '/v1/chat/completions',
      body: { logprobs: true, top_logprobs: 1 },
    });
  });

  it('invents none when a server asked for them sends none', async () => {
    const events = await collect(
      adapter.chat(endpoint, chat({ model: 'plain', logprobs: 2 }), signal()),
    );
    expect(backend.requests.at(-1)?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo!' },
    ]);
  });
});
