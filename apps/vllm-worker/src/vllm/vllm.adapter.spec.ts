import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatRequest } from '@switchyard/contracts';
import {
  abortAfter,
  collect,
  recordUrlAndBody,
  rejectionOf,
  streamUntilClosed,
  useRecordingBackend,
} from '@switchyard/testing';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import { VllmAdapter, listVllmModelCards } from './vllm.adapter.js';
import { loadVllmLoraAdapter, unloadVllmLoraAdapter } from './vllm-management.js';

// A real HTTP server plays vLLM with recorded bytes (backend reference, section 3.5).
const CHAT_SSE = `data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[{"index":0,"delta":{"content":"lo!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}

data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1740000000,"model":"my-model","choices":[],"usage":{"prompt_tokens":12,"total_tokens":15,"completion_tokens":3}}

data: [DONE]

`;

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-abc',
    object: 'chat.completion.chunk',
    created: 1740000000,
    model: 'my-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })}\n\n`;
const usage = (prompt: number, completion: number) =>
  `data: {"id":"chatcmpl-abc","choices":[],"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + completion},"completion_tokens":${completion}}}\n\n`;

const TOOL_SSE =
  chunk({ role: 'assistant', content: '' }) +
  chunk({
    tool_calls: [
      {
        id: 'chatcmpl-tool-9f8e',
        type: 'function',
        index: 0,
        function: { name: 'get_weather', arguments: '' },
      },
    ],
  }) +
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] }) +
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Tokyo"}' } }] }, 'tool_calls') +
  usage(30, 12) +
  'data: [DONE]\n\n';

const REASONING_SSE =
  chunk({ role: 'assistant', content: '' }) +
  chunk({ reasoning_content: 'Two plus two' }) +
  chunk({ reasoning: ' is four.' }) +
  chunk({ content: '4' }, 'stop') +
  usage(9, 6) +
  'data: [DONE]\n\n';

// An error after the stream started: HTTP 200, the envelope as an event, then [DONE].
const MID_STREAM_ERROR_SSE =
  chunk({ content: 'Hel' }) +
  'data: {"error":{"message":"This model\'s maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}}\n\n' +
  'data: [DONE]\n\n';

const slowStreamClosed: Promise<void>[] = [];

function sse(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  res.end(text);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** vLLM's refusal of a prompt and `max_tokens` beyond `max_model_len` (reference §3.4). */
function contextOverflow(res: ServerResponse, prompt: number, completion: number): void {
  json(res, 400, {
    error: {
      message: `This model's maximum context length is 4096 tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
      type: 'BadRequestError',
      param: null,
      code: 400,
    },
  });
}

function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  if (req.headers.authorization !== 'Bearer vllm-key')
    return json(res, 401, { error: 'Unauthorized' });
  const model = body['model'];
  switch (`${req.method} ${req.url}`) {
    case 'POST /v1/chat/completions':
      if (model === 'missing') {
        return json(res, 404, {
          error: {
            message: 'The model `missing` does not exist.',
            type: 'NotFoundError',
            param: null,
            code: 404,
          },
        });
      }
      if (model === 'tools') return sse(res, TOOL_SSE);
      if (model === 'reasoning') return sse(res, REASONING_SSE);
      if (model === 'mid-error') return sse(res, MID_STREAM_ERROR_SSE);
      // A 4,096-token model: 3,000 tokens of prompt leave room for 1,096, and 5,000 for none.
      if (model === 'small-context' && body['max_tokens'] !== undefined) {
        return contextOverflow(res, 3_000, Number(body['max_tokens']));
      }
      if (model === 'long-prompt') {
        return contextOverflow(res, 5_000, Number(body['max_tokens'] ?? 0));
      }
      if (model === 'slow') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        slowStreamClosed.push(streamUntilClosed(res, () => chunk({ content: 'x' })));
        return;
      }
      return sse(res, CHAT_SSE);
    case 'POST /v1/completions':
      return sse(
        res,
        'data: {"id":"cmpl-1","object":"text_completion","created":1740000000,"model":"my-model","choices":[{"index":0,"text":" upon","logprobs":null,"finish_reason":null}]}\n\n' +
          'data: {"id":"cmpl-1","object":"text_completion","created":1740000000,"model":"my-model","choices":[{"index":0,"text":" a time","logprobs":null,"finish_reason":"length","stop_reason":null}]}\n\n' +
          usage(1, 3) +
          'data: [DONE]\n\n',
      );
    case 'POST /v1/embeddings':
      return json(res, 200, {
        id: 'embd-1',
        object: 'list',
        created: 1740000000,
        model: 'bge',
        data: [
          {
            index: 0,
            object: 'embedding',
            embedding: Buffer.from(new Float32Array([0.5, -1]).buffer).toString('base64'),
          },
        ],
        usage: {
          prompt_tokens: 3,
          total_tokens: 3,
          completion_tokens: 0,
          prompt_tokens_details: null,
        },
      });
    case 'GET /v1/models':
      return json(res, 200, {
        object: 'list',
        data: [
          {
            id: 'my-model',
            object: 'model',
            owned_by: 'vllm',
            root: 'meta-llama/Llama-3.1-8B-Instruct',
            parent: null,
            max_model_len: 8192,
          },
        ],
      });
    case 'POST /v1/load_lora_adapter':
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(
        `Success: LoRA adapter '${String(body['lora_name'])}' added successfully.`,
      );
    case 'POST /v1/unload_lora_adapter':
      return json(res, 404, {
        error: {
          message: `The lora adapter '${String(body['lora_name'])}' cannot be found.`,
          type: 'NotFoundError',
          param: null,
          code: 404,
        },
      });
    default:
      return json(res, 404, { detail: 'Not Found' });
  }
}

const adapter = new VllmAdapter();
const { backend, endpoint, signal } = useRecordingBackend({
  route,
  record: recordUrlAndBody,
  endpoint: { id: 'vllm-test', apiKey: 'vllm-key' },
  closeAfter: adapter,
});

function chat(model: string): ChatRequest {
  return { id: 'req_1', model, messages: [{ role: 'user', content: 'Hi' }] };
}

describe('VllmAdapter against a recorded vLLM', () => {
  it('streams a chat: emits the text that carries the finish reason, then ends with the usage chunk', async () => {
    const events = await collect(adapter.chat(endpoint, chat('my-model'), signal()));
    expect(backend.requests.at(-1)).toEqual({
      url: '/v1/chat/completions',
      body: {
        model: 'my-model',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
      },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo!' },
    ]);
    expect(events[2]).toMatchObject({
      type: 'end',
      finish_reason: 'stop',
      usage: { prompt_tokens: 12, completion_tokens: 3 },
      timings: { source: 'worker' },
      model: 'my-model',
    });
    expect(events).toHaveLength(3);
  });

  it('passes tool-call deltas through', async () => {
    const events = await collect(adapter.chat(endpoint, chat('tools'), signal()));
    expect(events).toEqual([
      {
        type: 'delta',
        tool_calls: [{ index: 0, id: 'chatcmpl-tool-9f8e', name: 'get_weather', arguments: '' }],
      },
      { type: 'delta', tool_calls: [{ index: 0, arguments: '{"city": ' }] },
      { type: 'delta', tool_calls: [{ index: 0, arguments: '"Tokyo"}' }] },
      expect.objectContaining({
        type: 'end',
        finish_reason: 'tool_calls',
        usage: { prompt_tokens: 30, completion_tokens: 12 },
      }),
    ]);
  });

  it('reads reasoning under its old and new names', async () => {
    const events = await collect(adapter.chat(endpoint, chat('reasoning'), signal()));
    expect(events.slice(0, 3)).toEqual([
      { type: 'delta', reasoning: 'Two plus two' },
      { type: 'delta', reasoning: ' is four.' },
      { type: 'delta', text: '4' },
    ]);
  });

  it('streams a completion and decodes base64 embeddings', async () => {
    const completion = await collect(
      adapter.complete(endpoint, { id: 'r', model: 'my-model', prompt: 'Once' }, signal()),
    );
    expect(backend.requests.at(-1)?.url).toBe('/v1/completions');
    expect(completion).toEqual([
      { type: 'delta', text: ' upon' },
      { type: 'delta', text: ' a time' },
      expect.objectContaining({
        finish_reason: 'length',
        usage: { prompt_tokens: 1, completion_tokens: 3 },
      }),
    ]);

    const embedded = await collect(
      adapter.embed(endpoint, { id: 'r', model: 'bge', input: ['abc'] }, signal()),
    );
    expect(backend.requests.at(-1)?.body).toEqual({
      model: 'bge',
      input: ['abc'],
      encoding_format: 'base64',
    });
    expect(embedded[0]?.type === 'embedding' && Array.from(embedded[0].vector)).toEqual([0.5, -1]);
    expect(embedded[1]).toMatchObject({
      type: 'end',
      usage: { prompt_tokens: 3, completion_tokens: 0 },
    });
  });

  it('sends a completion with a system prompt and a schema as a chat, and reads it as one', async () => {
    const schema = { type: 'object', properties: { age: { type: 'integer' } } };
    const events = await collect(
      adapter.complete(
        endpoint,
        {
          id: 'r',
          model: 'my-model',
          prompt: 'Once',
          system: 'Answer in JSON.',
          response_format: { type: 'json_schema', schema },
          max_tokens: 8,
        },
        signal(),
      ),
    );
    expect(backend.requests.at(-1)).toEqual({
      url: '/v1/chat/completions',
      body: {
        model: 'my-model',
        messages: [
          { role: 'system', content: 'Answer in JSON.' },
          { role: 'user', content: 'Once' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 8,
        response_format: { type: 'json_schema', json_schema: { name: 'response', schema } },
      },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo!' },
    ]);
    expect(events[2]).toMatchObject({ type: 'end', finish_reason: 'stop' });
  });

  it('lists served models', async () => {
    expect(await adapter.listModels(endpoint, signal())).toEqual([
      { name: 'my-model', type: 'chat', loaded: true, context_length: 8192 },
    ]);
  });

  it('translates an unknown model, a wrong key and an error inside the stream', async () => {
    expect(
      (await rejectionOf(collect(adapter.chat(endpoint, chat('missing'), signal())))).code,
    ).toBe('model_not_found');
    const unauthorized = await rejectionOf(
      adapter.listModels({ ...endpoint, apiKey: 'wrong' }, signal()),
    );
    expect(unauthorized).toMatchObject({ code: 'backend_unavailable', retryable: true });
    expect(unauthorized.message).toBe(
      "the backend refused the worker's credentials (HTTP 401: Unauthorized); check backends[].api_key",
    );
    const received: GenerationEvent[] = [];
    const midStream = await rejectionOf(
      (async () => {
        for await (const event of adapter.chat(endpoint, chat('mid-error'), signal()))
          received.push(event);
      })(),
    );
    expect(received).toEqual([{ type: 'delta', text: 'Hel' }]);
    expect(midStream.code).toBe('context_length_exceeded');
  });

  it('asks again without max_tokens when vLLM refuses it for the context, as other kinds stop at its end', async () => {
    const before = backend.requests.length;
    const events = await collect(
      adapter.chat(endpoint, { ...chat('small-context'), max_tokens: 32_000 }, signal()),
    );
    expect(backend.requests.slice(before).map(({ body }) => body['max_tokens'])).toEqual([
      32_000,
      undefined,
    ]);
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo!' },
    ]);

    // A prompt too long for the context alone: the second refusal is the answer.
    const tooLong = await rejectionOf(
      collect(adapter.chat(endpoint, { ...chat('long-prompt'), max_tokens: 16 }, signal())),
    );
    expect(tooLong.code).toBe('context_length_exceeded');
    expect(tooLong.message).toContain('(5000 in the messages, 0 in the completion)');
    // Without max_tokens there is nothing to take out: one request.
    const asked = backend.requests.length;
    await rejectionOf(collect(adapter.chat(endpoint, chat('long-prompt'), signal())));
    expect(backend.requests.length - asked).toBe(1);
  });

  it('stops the backend at once when the caller aborts mid-stream', async () => {
    const error = await abortAfter(3, (signal) => adapter.chat(endpoint, chat('slow'), signal));
    expect(error.code).toBe('cancelled');
    await expect(slowStreamClosed.at(-1)).resolves.toBeUndefined();
  });
});

describe('vLLM management against a recorded vLLM', () => {
  it('lists cards and loads and unloads LoRA adapters', async () => {
    expect((await listVllmModelCards(adapter.http, endpoint, signal()))[0]?.root).toBe(
      'meta-llama/Llama-3.1-8B-Instruct',
    );
    const loaded = await loadVllmLoraAdapter(
      adapter.http,
      endpoint,
      { lora_name: 'sql', lora_path: '/adapters/sql' },
      signal(),
    );
    expect(loaded).toBe("Success: LoRA adapter 'sql' added successfully.");
    expect(backend.requests.at(-1)).toEqual({
      url: '/v1/load_lora_adapter',
      body: { lora_name: 'sql', lora_path: '/adapters/sql' },
    });
    const missing = await rejectionOf(
      unloadVllmLoraAdapter(adapter.http, endpoint, 'nope', signal()),
    );
    expect(missing).toMatchObject({
      code: 'not_found',
      message: "The lora adapter 'nope' cannot be found.",
    });
  });
});
