import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatRequest } from '@switchyard/contracts';
import { collect, recordUrlAndBody, useRecordingBackend } from '@switchyard/testing';
import { OllamaAdapter } from './ollama.adapter.js';

// A real HTTP server plays an Ollama (0.12.11 or later) answering with log-probabilities: each
// line's tokens in its top-level `logprobs`, `bytes` and the alternatives included.

const hel = {
  token: 'Hel',
  logprob: -0.25,
  bytes: [72, 101, 108],
  top_logprobs: [
    { token: 'Hel', logprob: -0.25, bytes: [72, 101, 108] },
    { token: 'Hi', logprob: -1.5, bytes: [72, 105] },
  ],
};
const lo = { token: 'lo', logprob: -0.5, bytes: [108, 111], top_logprobs: [] };
const bang = { token: '!', logprob: -0.125, bytes: [33], top_logprobs: [] };

const DONE = {
  done: true,
  done_reason: 'stop',
  prompt_eval_count: 4,
  eval_count: 3,
};

// One line may carry several tokens (Ollama batches what it decoded together).
const CHAT_LINES = [
  { model: 'qwen3', message: { role: 'assistant', content: 'Hel' }, done: false, logprobs: [hel] },
  {
    model: 'qwen3',
    message: { role: 'assistant', content: 'lo!' },
    done: false,
    logprobs: [lo, bang],
  },
  { model: 'qwen3', message: { role: 'assistant', content: '' }, ...DONE },
];
const GENERATE_LINES = [
  { model: 'qwen3', response: 'Hel', done: false, logprobs: [hel] },
  { model: 'qwen3', response: '', ...DONE },
];
const CHAT_ANSWER = {
  model: 'qwen3',
  message: { role: 'assistant', content: 'Hello!' },
  logprobs: [hel, lo, bang],
  ...DONE,
};
// An Ollama older than 0.12.11 ignores the ask.
const OLD_OLLAMA_LINES = [
  { model: 'old', message: { role: 'assistant', content: 'Hel' }, done: false },
  { model: 'old', message: { role: 'assistant', content: '' }, ...DONE },
];

function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  if (body['stream'] === false) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    return void res.end(JSON.stringify(CHAT_ANSWER));
  }
  const lines =
    req.url === '/api/generate'
      ? GENERATE_LINES
      : body['model'] === 'old'
        ? OLD_OLLAMA_LINES
        : CHAT_LINES;
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.end(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

const adapter = new OllamaAdapter();
const { backend, endpoint, signal } = useRecordingBackend({
  route,
  record: recordUrlAndBody,
  endpoint: { id: 'ollama-test' },
  closeAfter: adapter,
});

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return { id: 'r', model: 'qwen3', messages: [{ role: 'user', content: 'Hi' }], ...fields };
}

describe('OllamaAdapter log-probabilities', () => {
  it('asks a chat for them and gives each text delta the entries of its line', async () => {
    const events = await collect(adapter.chat(endpoint, chat({ logprobs: 2 }), signal()));
    expect(backend.requests.at(-1)).toEqual({
      url: '/api/chat',
      body: {
        model: 'qwen3',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        logprobs: true,
        top_logprobs: 2,
      },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hel', logprobs: [hel] },
      { type: 'delta', text: 'lo!', logprobs: [lo, bang] },
    ]);
    expect(events[2]).toMatchObject({ type: 'end', finish_reason: 'stop' });
  });

  it('asks a generate for them the same way, 0 for the chosen token alone', async () => {
    const events = await collect(
      adapter.complete(endpoint, { id: 'r', model: 'qwen3', prompt: 'Hi', logprobs: 0 }, signal()),
    );
    expect(backend.requests.at(-1)).toEqual({
      url: '/api/generate',
      body: { model: 'qwen3', prompt: 'Hi', stream: true, logprobs: true, top_logprobs: 0 },
    });
    expect(events[0]).toEqual({ type: 'delta', text: 'Hel', logprobs: [hel] });
  });

  it('reads them from a whole answer', async () => {
    const events = await collect(
      adapter.chat(endpoint, chat({ logprobs: 2, stream: false }), signal()),
    );
    expect(backend.requests.at(-1)?.body).toMatchObject({
      stream: false,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(events[0]).toEqual({ type: 'delta', text: 'Hello!', logprobs: [hel, lo, bang] });
  });

  it('asks for none unless the request does, and invents none when Ollama sends none', async () => {
    await collect(adapter.chat(endpoint, chat(), signal()));
    expect(backend.requests.at(-1)?.body).not.toHaveProperty('logprobs');
    expect(backend.requests.at(-1)?.body).not.toHaveProperty('top_logprobs');
    const events = await collect(
      adapter.chat(endpoint, chat({ model: 'old', logprobs: 2 }), signal()),
    );
    expect(backend.requests.at(-1)?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(events[0]).toEqual({ type: 'delta', text: 'Hel' });
  });
});
