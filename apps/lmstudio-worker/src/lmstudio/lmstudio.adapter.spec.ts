import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatRequest } from '@switchyard/contracts';
import {
  abortAfter,
  collect,
  rejectionOf,
  streamUntilClosed,
  useRecordingBackend,
} from '@switchyard/testing';
import { LmStudioAdapter } from './lmstudio.adapter.js';
import {
  downloadLmStudioModel,
  listLmStudioModels,
  loadLmStudioModel,
  unloadLmStudioModel,
} from './lmstudio-management.js';
import type { LmStudioDownloadStatus } from './lmstudio-wire.types.js';

// A real HTTP server plays LM Studio with recorded bytes (backend reference, section 2).
const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-x',
    object: 'chat.completion.chunk',
    created: 1740000000,
    model: 'm',
    system_fingerprint: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })}\n\n`;

// Raw sample shape from lmstudio-bug-tracker#676.
const CHAT_SSE = `data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1740000000,"model":"m","system_fingerprint":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1740000000,"model":"m","system_fingerprint":"m","choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1740000000,"model":"m","system_fingerprint":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

data: [DONE]

`;

const TOOL_SSE =
  chunk({
    role: 'assistant',
    tool_calls: [
      {
        index: 0,
        id: '123456789',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ],
  }) +
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Tokyo"}' } }] }) +
  chunk({}, 'tool_calls') +
  'data: [DONE]\n\n';

interface RecordedRequest {
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

const slowStreamClosed: Promise<void>[] = [];
let downloadPolls = 0;

function sse(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(text);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-powered-by': 'Express',
  });
  res.end(JSON.stringify(body));
}

function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  const model = body['model'];
  switch (`${req.method} ${req.url}`) {
    case 'POST /api/v0/chat/completions':
      if (model === 'missing') {
        return json(res, 404, {
          error: {
            message: 'Model "missing" not found. Please specify a valid model.',
            type: 'invalid_request_error',
            param: 'model',
            code: 'model_not_found',
          },
        });
      }
      if (model === 'tools') return sse(res, TOOL_SSE);
      if (model === 'usage') {
        return sse(
          res,
          chunk({ content: 'Hi' }, 'stop') +
            'data: {"id":"chatcmpl-x","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}\n\ndata: [DONE]\n\n',
        );
      }
      if (model === 'crash') {
        return sse(
          res,
          chunk({ content: 'Hi' }) + 'data: {"error":{"message":"model crashed"}}\n\n',
        );
      }
      if (model === 'slow') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        slowStreamClosed.push(streamUntilClosed(res, () => chunk({ content: 'x' })));
        return;
      }
      return sse(res, CHAT_SSE);
    case 'POST /api/v0/completions':
      return sse(
        res,
        'data: {"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":"upon a time","finish_reason":null}]}\n\n' +
          'data: {"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":"","finish_reason":"length"}]}\n\ndata: [DONE]\n\n',
      );
    case 'POST /v1/embeddings':
      return json(res, 200, {
        object: 'list',
        data: [
          { object: 'embedding', embedding: [0.1, 0.2], index: 0 },
          { object: 'embedding', embedding: [0.3, 0.4], index: 1 },
        ],
        model: 'text-embedding-nomic-embed-text-v1.5@q4_k_m',
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    case 'GET /api/v0/models':
      return json(res, 200, {
        object: 'list',
        data: [
          {
            id: 'm',
            object: 'model',
            type: 'llm',
            state: 'loaded',
            quantization: 'Q4_K_M',
            max_context_length: 4096,
          },
        ],
      });
    case 'GET /api/v1/models':
      return json(res, 200, {
        models: [
          {
            type: 'llm',
            key: 'openai/gpt-oss-20b',
            loaded_instances: [{ id: 'openai/gpt-oss-20b' }],
          },
        ],
      });
    case 'POST /api/v1/models/load':
      return json(res, 200, {
        type: 'llm',
        instance_id: 'openai/gpt-oss-20b',
        load_time_seconds: 9.1,
        status: 'loaded',
      });
    case 'POST /api/v1/models/unload':
      return json(res, 200, { instance_id: body['instance_id'] });
    case 'POST /api/v1/models/download':
      downloadPolls = 0;
      if (model === 'have') return json(res, 200, { status: 'already_downloaded' });
      return json(res, 200, { job_id: 'job_1', status: 'downloading', total_size_bytes: 1000 });
    case 'GET /api/v1/models/download/status/job_1':
      downloadPolls++;
      return json(res, 200, {
        job_id: 'job_1',
        status: downloadPolls < 2 ? 'downloading' : 'completed',
        total_size_bytes: 1000,
        downloaded_bytes: downloadPolls < 2 ? 500 : 1000,
      });
    default:
      // LM Studio answers every unknown route with 200 and an error body.
      return json(res, 200, { error: `Unexpected endpoint or method. (${req.method} ${req.url})` });
  }
}

const adapter = new LmStudioAdapter();
const { backend, endpoint, signal } = useRecordingBackend<RecordedRequest>({
  route,
  record: (req, body) => ({ url: req.url ?? '', authorization: req.headers.authorization, body }),
  endpoint: { id: 'lmstudio-test', apiKey: 'lm-secret' },
  closeAfter: adapter,
});

function chat(model: string): ChatRequest {
  return { id: 'req_1', model, messages: [{ role: 'user', content: 'Hi' }] };
}

describe('LmStudioAdapter against a recorded LM Studio', () => {
  it('streams a chat with the bearer key, counting tokens and measuring timings itself', async () => {
    const events = await collect(adapter.chat(endpoint, chat('m'), signal()));
    expect(backend.requests.at(-1)).toEqual({
      url: '/api/v0/chat/completions',
      authorization: 'Bearer lm-secret',
      body: {
        model: 'm',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
      },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hi' },
      { type: 'delta', text: ' there' },
    ]);
    expect(events[2]).toMatchObject({
      type: 'end',
      finish_reason: 'stop',
      usage: { prompt_tokens: 0, completion_tokens: 2 },
      timings: { source: 'worker' },
      model: 'm',
    });
    expect(events).toHaveLength(3);
  });

  it('prefers a usage chunk when LM Studio sends one', async () => {
    const events = await collect(adapter.chat(endpoint, chat('usage'), signal()));
    expect(events.at(-1)).toMatchObject({ usage: { prompt_tokens: 12, completion_tokens: 7 } });
  });

  it('streams tool calls as fragments and finishes with tool_calls', async () => {
    const events = await collect(adapter.chat(endpoint, chat('tools'), signal()));
    expect(events.slice(0, 2)).toEqual([
      {
        type: 'delta',
        tool_calls: [{ index: 0, id: '123456789', name: 'get_weather', arguments: '' }],
      },
      { type: 'delta', tool_calls: [{ index: 0, arguments: '{"city":"Tokyo"}' }] },
    ]);
    expect(events[2]).toMatchObject({ type: 'end', finish_reason: 'tool_calls' });
  });

  it('streams a completion and embeds in float', async () => {
    const completion = await collect(
      adapter.complete(endpoint, { id: 'r', model: 'm', prompt: 'Once' }, signal()),
    );
    expect(backend.requests.at(-1)?.url).toBe('/api/v0/completions');
    expect(completion[0]).toEqual({ type: 'delta', text: 'upon a time' });
    expect(completion[1]).toMatchObject({
      finish_reason: 'length',
      usage: { completion_tokens: 1 },
    });

    const embedded = await collect(
      adapter.embed(endpoint, { id: 'r', model: 'nomic', input: ['a', 'b'] }, signal()),
    );
    expect(backend.requests.at(-1)?.body).toEqual({
      model: 'nomic',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(embedded.map((e) => (e.type === 'embedding' ? Array.from(e.vector) : e.type))).toEqual([
      Array.from(Float32Array.from([0.1, 0.2])),
      Array.from(Float32Array.from([0.3, 0.4])),
      'end',
    ]);
  });

  it('sends a completion asking for JSON as a chat (JSON mode as a schema), and reads it as one', async () => {
    const events = await collect(
      adapter.complete(
        endpoint,
        {
          id: 'r',
          model: 'm',
          prompt: 'Once',
          system: 'Answer in JSON.',
          response_format: { type: 'json_object' },
        },
        signal(),
      ),
    );
    expect(backend.requests.at(-1)).toMatchObject({
      url: '/api/v0/chat/completions',
      body: {
        model: 'm',
        messages: [
          { role: 'system', content: 'Answer in JSON.' },
          { role: 'user', content: 'Once' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'json_object', schema: { type: 'object' } },
        },
      },
    });
    expect(events.slice(0, 2)).toEqual([
      { type: 'delta', text: 'Hi' },
      { type: 'delta', text: ' there' },
    ]);
    expect(events[2]).toMatchObject({ type: 'end', finish_reason: 'stop' });
  });

  it('lists models from /api/v0/models', async () => {
    expect(await adapter.listModels(endpoint, signal())).toEqual([
      {
        name: 'm',
        type: 'chat',
        loaded: true,
        context_length: 4096,
        quantization: 'Q4_K_M',
        capabilities: ['llm'],
      },
    ]);
  });

  it('translates a missing model, an error inside the stream and the 200 answer of an unknown route', async () => {
    expect(
      (await rejectionOf(collect(adapter.chat(endpoint, chat('missing'), signal())))).code,
    ).toBe('model_not_found');
    const crash = await rejectionOf(collect(adapter.chat(endpoint, chat('crash'), signal())));
    expect(crash).toMatchObject({ code: 'backend_error', message: 'model crashed' });
    const wrongBase = { ...endpoint, url: `${endpoint.url}/lmstudio` };
    const unknown = await rejectionOf(collect(adapter.chat(wrongBase, chat('m'), signal())));
    expect(unknown).toMatchObject({
      code: 'unsupported',
      message: 'Unexpected endpoint or method. (POST /lmstudio/api/v0/chat/completions)',
    });
    expect((await rejectionOf(adapter.listModels(wrongBase, signal()))).code).toBe('unsupported');
  });

  it('refuses log-probabilities before asking LM Studio, whatever route the request takes', async () => {
    const asked = backend.requests.length;
    const refusals = [
      await rejectionOf(collect(adapter.chat(endpoint, { ...chat('m'), logprobs: 2 }, signal()))),
      await rejectionOf(
        collect(
          adapter.complete(endpoint, { id: 'r', model: 'm', prompt: 'Hi', logprobs: 0 }, signal()),
        ),
      ),
      await rejectionOf(
        collect(
          adapter.complete(
            endpoint,
            { id: 'r', model: 'm', prompt: 'Hi', system: 'Be brief.', logprobs: 1 },
            signal(),
          ),
        ),
      ),
    ];
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ code: 'unsupported', details: { param: 'logprobs' } });
    }
    expect(backend.requests).toHaveLength(asked);
  });

  it('stops the backend at once when the caller aborts mid-stream', async () => {
    const error = await abortAfter(3, (signal) => adapter.chat(endpoint, chat('slow'), signal));
    expect(error.code).toBe('cancelled');
    await expect(slowStreamClosed.at(-1)).resolves.toBeUndefined();
  });
});

describe('LM Studio model management against a recorded LM Studio', () => {
  it('lists, loads and unloads through /api/v1', async () => {
    expect(await listLmStudioModels(adapter.http, endpoint, signal())).toEqual([
      { type: 'llm', key: 'openai/gpt-oss-20b', loaded_instances: [{ id: 'openai/gpt-oss-20b' }] },
    ]);
    const loaded = await loadLmStudioModel(
      adapter.http,
      endpoint,
      { model: 'openai/gpt-oss-20b', context_length: 8192 },
      signal(),
    );
    expect(backend.requests.at(-1)?.body).toEqual({
      model: 'openai/gpt-oss-20b',
      context_length: 8192,
    });
    expect(loaded.instance_id).toBe('openai/gpt-oss-20b');
    await unloadLmStudioModel(adapter.http, endpoint, 'openai/gpt-oss-20b', signal());
    expect(backend.requests.at(-1)).toMatchObject({
      url: '/api/v1/models/unload',
      body: { instance_id: 'openai/gpt-oss-20b' },
    });
  });

  it('downloads, polling the job until it completes', async () => {
    const statuses: LmStudioDownloadStatus[] = await collect(
      downloadLmStudioModel(adapter.http, endpoint, { model: 'qwen/qwen3-4b' }, signal(), {
        pollIntervalMs: 5,
      }),
    );
    expect(statuses.map((s) => [s.status, s.downloaded_bytes])).toEqual([
      ['downloading', undefined],
      ['downloading', 500],
      ['completed', 1000],
    ]);
    const have = await collect(
      downloadLmStudioModel(adapter.http, endpoint, { model: 'have' }, signal()),
    );
    expect(have).toEqual([{ status: 'already_downloaded' }]);
  });

  it('stops polling when the signal aborts', async () => {
    const error = await abortAfter(1, (signal) =>
      downloadLmStudioModel(adapter.http, endpoint, { model: 'big' }, signal, {
        pollIntervalMs: 60_000,
      }),
    );
    expect(error.code).toBe('cancelled');
  });
});
