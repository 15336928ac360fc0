import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatRequest } from '@switchyard/contracts';
import type { GenerationEvent } from '@switchyard/worker-runtime';
import {
  abortAfter,
  collect,
  rejectionOf,
  streamUntilClosed,
  useRecordingBackend,
} from '@switchyard/testing';
import { OllamaAdapter } from './ollama.adapter.js';
import {
  copyOllamaModel,
  deleteOllamaModel,
  listRunningOllamaModels,
  loadOllamaModel,
  pullOllamaModel,
  showOllamaModel,
  unloadOllamaModel,
} from './ollama-management.js';

// A real HTTP server plays Ollama, answering with recorded bytes from the backend reference.
const CHAT_LINES = [
  '{"model":"qwen3","created_at":"2025-03-01T10:00:00.5Z","message":{"role":"assistant","content":"The"},"done":false}',
  '{"model":"qwen3","created_at":"…","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_ab12cd34","function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo"}}}]},"done":false}',
  '{"model":"qwen3","created_at":"…","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":890000000,"load_duration":700000000,"prompt_eval_count":94,"prompt_eval_duration":91000000,"eval_count":11,"eval_duration":90000000}',
];
const FIRST_CHAT_LINE = CHAT_LINES[0] as string;
const GENERATE_LINES = [
  '{"model":"llama3.2","created_at":"2025-03-01T10:00:00.123456789Z","response":"Hel","done":false}',
  '{"model":"llama3.2","created_at":"2025-03-01T10:00:01.987654321Z","response":"","done":true,"done_reason":"stop","context":[128006,882,128007],"total_duration":2512345678,"load_duration":12345678,"prompt_eval_count":26,"prompt_eval_duration":130000000,"eval_count":42,"eval_duration":2300000000}',
];
const PULL_LINES = [
  '{"status":"pulling manifest"}',
  '{"status":"pulling 6a0746a1ec1a","digest":"sha256:6a0746a1ec1aa1a2","total":2019377376}',
  '{"status":"pulling 6a0746a1ec1a","digest":"sha256:6a0746a1ec1aa1a2","total":2019377376,"completed":241970}',
  '{"status":"verifying sha256 digest"}',
  '{"status":"writing manifest"}',
  '{"status":"success"}',
];

interface RecordedRequest {
  method: string;
  url: string;
  body: unknown;
}

const slowStreamClosed: Promise<void>[] = [];

function ndjson(res: ServerResponse, lines: string[], then: 'end' | 'keep' = 'end'): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const line of lines) res.write(`${line}\n`);
  if (then === 'end') res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
  const model = body['model'];
  switch (`${req.method} ${req.url}`) {
    case 'POST /api/chat':
      if (model === 'missing') return json(res, 404, { error: "model 'missing' not found" });
      if (model === 'busy') {
        return json(res, 503, {
          error: 'server busy, please try again.  maximum pending requests exceeded',
        });
      }
      if (model === 'crash') {
        return ndjson(res, [FIRST_CHAT_LINE, '{"error":"llama runner process has terminated"}']);
      }
      if (model === 'cut') return ndjson(res, [FIRST_CHAT_LINE]);
      if (model === 'unterminated') {
        // The done line is the body's last bytes, with no newline after it.
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        return void res.end(CHAT_LINES.join('\n'));
      }
      if (model === 'garbled') {
        // A malformed line in the same read as a good one before it.
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        return void res.end(`${FIRST_CHAT_LINE}\n{nope\n`);
      }
      if (model === 'slow') {
        ndjson(res, [FIRST_CHAT_LINE], 'keep');
        slowStreamClosed.push(streamUntilClosed(res, () => `${CHAT_LINES[0]}\n`));
        return;
      }
      return ndjson(res, CHAT_LINES);
    case 'POST /api/generate':
      if (body['prompt'] === undefined) {
        const reason = body['keep_alive'] === 0 ? 'unload' : 'load';
        return json(res, 200, {
          model,
          created_at: '2025-03-01T10:00:00Z',
          response: '',
          done: true,
          done_reason: reason,
        });
      }
      return ndjson(res, GENERATE_LINES);
    case 'POST /api/embed':
      return json(res, 200, {
        model: 'all-minilm',
        embeddings: [
          [0.01, -0.02, 0.03],
          [0.5, 0.25, -0.125],
        ],
        total_duration: 14143917,
        load_duration: 1019500,
        prompt_eval_count: 8,
      });
    case 'GET /api/tags':
      return json(res, 200, {
        models: [
          { name: 'qwen3:latest', capabilities: ['completion', 'tools', 'thinking'] },
          { name: 'all-minilm:latest', capabilities: ['embedding'] },
        ],
      });
    case 'GET /api/ps':
      return json(res, 200, { models: [{ name: 'qwen3:latest', context_length: 8192 }] });
    case 'POST /api/pull':
      if (model === 'nope') {
        return ndjson(res, [
          '{"status":"pulling manifest"}',
          '{"error":"pull model manifest: file does not exist"}',
        ]);
      }
      return ndjson(res, PULL_LINES);
    case 'DELETE /api/delete':
      return model === 'gone'
        ? json(res, 404, { error: "model 'gone' not found" })
        : json(res, 200, undefined);
    case 'POST /api/copy':
      return json(res, 200, undefined);
    case 'POST /api/show':
      return json(res, 200, {
        details: { family: 'qwen3', quantization_level: 'Q4_K_M' },
        model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 },
        capabilities: ['completion', 'tools', 'thinking'],
      });
    default:
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  }
}

const adapter = new OllamaAdapter();
const { backend, endpoint, signal } = useRecordingBackend<RecordedRequest>({
  route,
  record: (req, body) => ({ method: req.method ?? '', url: req.url ?? '', body }),
  endpoint: { id: 'ollama-test' },
  closeAfter: adapter,
});

function chat(model: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    id: 'req_1',
    model,
    messages: [{ role: 'user', content: 'Weather in Tokyo?' }],
    ...extra,
  };
}

describe('OllamaAdapter against a recorded Ollama', () => {
  it('streams a chat: sends the native body, yields text, tool-call fragments and the end', async () => {
    const events = await collect(
      adapter.chat(
        endpoint,
        chat('qwen3', { max_tokens: 50, options: { ollama: { num_ctx: 8192 } } }),
        signal(),
      ),
    );
    expect(backend.requests.at(-1)).toEqual({
      method: 'POST',
      url: '/api/chat',
      body: {
        model: 'qwen3',
        messages: [{ role: 'user', content: 'Weather in Tokyo?' }],
        stream: true,
        options: { num_predict: 50, num_ctx: 8192 },
      },
    });
    expect(events.map((event) => event.type)).toEqual(['delta', 'delta', 'delta', 'end']);
    expect(events[2]).toEqual({
      type: 'delta',
      tool_calls: [{ index: 0, arguments: '{"city":"Tokyo"}' }],
    });
    expect(events[3]).toMatchObject({
      finish_reason: 'tool_calls',
      usage: { prompt_tokens: 94, completion_tokens: 11 },
      timings: { source: 'backend', ttft_ms: 791, load_ms: 700, total_ms: 890 },
    });
  });

  it('reads a done line that ends the body without a newline, and hands on the text before a malformed line', async () => {
    const events = await collect(adapter.chat(endpoint, chat('unterminated'), signal()));
    expect(events.map((event) => event.type)).toEqual(['delta', 'delta', 'delta', 'end']);
    const seen: GenerationEvent[] = [];
    await expect(
      (async () => {
        for await (const event of adapter.chat(endpoint, chat('garbled'), signal()))
          seen.push(event);
      })(),
    ).rejects.toMatchObject({
      code: 'backend_error',
      message: 'the backend sent a malformed NDJSON line',
    });
    expect(seen.map((event) => event.type)).toEqual(['delta']);
  });

  it('streams a completion from /api/generate', async () => {
    const events = await collect(
      adapter.complete(endpoint, { id: 'r', model: 'llama3.2', prompt: 'Say hello' }, signal()),
    );
    expect(backend.requests.at(-1)?.body).toEqual({
      model: 'llama3.2',
      prompt: 'Say hello',
      stream: true,
    });
    expect(events[0]).toEqual({ type: 'delta', text: 'Hel' });
    expect(events[1]).toMatchObject({
      type: 'end',
      usage: { prompt_tokens: 26, completion_tokens: 42 },
    });
  });

  it('embeds a batch into float32 vectors in input order', async () => {
    const events = await collect(
      adapter.embed(endpoint, { id: 'r', model: 'all-minilm', input: ['a', 'b'] }, signal()),
    );
    expect(backend.requests.at(-1)?.body).toEqual({ model: 'all-minilm', input: ['a', 'b'] });
    expect(
      events.slice(0, 2).map((e) => e.type === 'embedding' && [e.index, Array.from(e.vector)]),
    ).toEqual([
      [0, Array.from(Float32Array.from([0.01, -0.02, 0.03]))],
      [1, [0.5, 0.25, -0.125]],
    ]);
    expect(events[2]).toMatchObject({
      type: 'end',
      usage: { prompt_tokens: 8, completion_tokens: 0 },
      timings: { source: 'backend', load_ms: 1.0195 },
    });
  });

  it('lists installed models with what is loaded', async () => {
    expect(await adapter.listModels(endpoint, signal())).toEqual([
      {
        name: 'qwen3:latest',
        aliases: ['qwen3'],
        type: 'chat',
        loaded: true,
        context_length: 8192,
        capabilities: ['completion', 'tools', 'thinking'],
        supports_tools: true,
      },
      {
        name: 'all-minilm:latest',
        aliases: ['all-minilm'],
        type: 'embedding',
        loaded: false,
        capabilities: ['embedding'],
        supports_tools: false,
      },
    ]);
  });

  it('translates errors before the stream, in it, and a stream cut short', async () => {
    expect(
      (await rejectionOf(collect(adapter.chat(endpoint, chat('missing'), signal())))).code,
    ).toBe('model_not_found');
    const busy = await rejectionOf(collect(adapter.chat(endpoint, chat('busy'), signal())));
    expect(busy.code).toBe('overloaded');
    expect(busy.retryable).toBe(true);
    const crash = await rejectionOf(collect(adapter.chat(endpoint, chat('crash'), signal())));
    expect(crash).toMatchObject({
      code: 'backend_error',
      message: 'llama runner process has terminated',
    });
    const cut = await rejectionOf(collect(adapter.chat(endpoint, chat('cut'), signal())));
    expect(cut.message).toBe('the Ollama stream ended before its done line');
  });

  it('stops the backend at once when the caller aborts mid-stream', async () => {
    const error = await abortAfter(3, (signal) => adapter.chat(endpoint, chat('slow'), signal));
    expect(error.code).toBe('cancelled');
    await expect(slowStreamClosed.at(-1)).resolves.toBeUndefined();
  });
});

describe('Ollama model management against a recorded Ollama', () => {
  it('pulls with progress, and reports a model the registry lacks', async () => {
    const progress = [];
    for await (const step of pullOllamaModel(adapter.http, endpoint, 'llama3.2', signal())) {
      progress.push(step);
    }
    expect(progress.map((step) => step.status)).toEqual([
      'pulling manifest',
      'pulling 6a0746a1ec1a',
      'pulling 6a0746a1ec1a',
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect(progress[2]).toEqual({
      status: 'pulling 6a0746a1ec1a',
      digest: 'sha256:6a0746a1ec1aa1a2',
      total: 2019377376,
      completed: 241970,
    });
    expect(backend.requests.at(-1)?.body).toEqual({ model: 'llama3.2', stream: true });
    const missing = await rejectionOf(
      (async () => {
        for await (const _step of pullOllamaModel(adapter.http, endpoint, 'nope', signal())) {
          // "pulling manifest" arrives before the error line.
        }
      })(),
    );
    expect(missing.code).toBe('model_not_found');
  });

  it('deletes, copies, shows and lists running models', async () => {
    await deleteOllamaModel(adapter.http, endpoint, 'old', signal());
    expect(backend.requests.at(-1)).toEqual({
      method: 'DELETE',
      url: '/api/delete',
      body: { model: 'old' },
    });
    expect(
      (await rejectionOf(deleteOllamaModel(adapter.http, endpoint, 'gone', signal()))).code,
    ).toBe('model_not_found');
    await copyOllamaModel(adapter.http, endpoint, 'a', 'b', signal());
    expect(backend.requests.at(-1)?.body).toEqual({ source: 'a', destination: 'b' });
    const shown = await showOllamaModel(adapter.http, endpoint, 'qwen3', signal());
    expect(shown.model_info?.['qwen3.context_length']).toBe(40960);
    expect(await listRunningOllamaModels(adapter.http, endpoint, signal())).toEqual([
      { name: 'qwen3:latest', context_length: 8192 },
    ]);
  });

  it('loads with keep_alive and unloads with keep_alive 0', async () => {
    await loadOllamaModel(adapter.http, endpoint, 'qwen3', signal(), { keepAlive: '1h' });
    expect(backend.requests.at(-1)).toEqual({
      method: 'POST',
      url: '/api/generate',
      body: { model: 'qwen3', stream: false, keep_alive: '1h' },
    });
    await unloadOllamaModel(adapter.http, endpoint, 'qwen3', signal());
    expect(backend.requests.at(-1)?.body).toEqual({ model: 'qwen3', keep_alive: 0, stream: false });
  });
});
