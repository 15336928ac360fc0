import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchyardError } from '@switchyard/contracts';
import type { BackendEndpoint } from '../backend-adapter.js';
import { BackendHttpClient } from './backend-http.client.js';

// A real HTTP server on a random port plays the backend; each route is one behaviour.
const streamClosed: Promise<void>[] = [];
const answerPorts: number[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/base/echo': (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization ?? null,
        contentType: req.headers['content-type'] ?? null,
        body: body === '' ? null : JSON.parse(body),
      }),
    );
  },
  '/base/empty': (_req, res) => res.end(),
  '/base/not-json': (_req, res) => res.end('Success: LoRA adapter added.'),
  '/base/big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < 8; i++) res.write('x'.repeat(512));
    res.end();
  },
  '/base/big-declared': (_req, res) => {
    res.writeHead(200, { 'content-length': String(1 << 20) });
    res.write('{');
  },
  '/base/missing': (_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"model \'x\' not found"}');
  },
  '/base/huge-error': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('e'.repeat(1 << 20));
  },
  '/base/error-in-200': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"error":"Unexpected endpoint or method. (POST /base/error-in-200)"}');
  },
  '/base/slow-headers': () => undefined,
  // A non-streamed generation: nothing, headers included, until the whole answer is ready.
  '/base/slow-answer': (_req, res) => {
    const timer = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"answer":"whole"}');
    }, 2_000);
    res.on('close', () => clearTimeout(timer));
  },
  '/base/reset': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"partial":');
    setTimeout(() => req.socket.destroy(), 20);
  },
  '/base/stall': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"first":true}\n');
  },
  '/base/port': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ port: req.socket.remotePort }));
  },
  // An answer whose reader is done before the HTTP message is: the end comes a moment later.
  '/base/answer-then-end': (req, res) => {
    answerPorts.push(req.socket.remotePort ?? 0);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"token":"hi"}\n\n');
    setTimeout(() => res.end('data: [DONE]\n\n'), 20);
  },
  '/base/stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const timer = setInterval(() => res.write('{"tick":true}\n'), 10);
    streamClosed.push(new Promise((resolve) => res.on('close', () => resolve())));
    res.on('close', () => clearInterval(timer));
  },
};

let server: Server;
let endpoint: BackendEndpoint;
let refused: BackendEndpoint;
const client = new BackendHttpClient({
  headersTimeoutMs: 300,
  bodyIdleTimeoutMs: 300,
  maxResponseBytes: 2048,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const route = routes[(req.url ?? '').split('?')[0] ?? ''];
      if (route) route(req, res, body);
      else res.writeHead(404).end('404 page not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint = { id: 'test', url: `http://127.0.0.1:${port}/base/`, apiKey: 'sk-test' };

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  refused = { id: 'refused', url: `http://127.0.0.1:${closedPort}` };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await client.close();
});

const signal = () => AbortSignal.timeout(5_000);

async function failure(promise: Promise<unknown>): Promise<SwitchyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchyardError);
  return error as SwitchyardError;
}

describe('BackendHttpClient', () => {
  it('sends JSON with the bearer key below the endpoint path and parses the answer', async () => {
    const answer = await client.json(endpoint, { path: '/echo', json: { a: 1 }, signal: signal() });
    expect(answer).toEqual({
      method: 'POST',
      url: '/base/echo',
      authorization: 'Bearer sk-test',
      contentType: 'application/json',
      body: { a: 1 },
    });
    const get = await client.json(
      { ...endpoint, apiKey: undefined },
      { path: '/echo', signal: signal() },
    );
    expect(get).toMatchObject({ method: 'GET', authorization: null, body: null });
  });

  it('answers undefined for an empty body and hands out non-JSON text as is', async () => {
    expect(await client.json(endpoint, { path: '/empty', signal: signal() })).toBeUndefined();
    const text = await client.text(endpoint, { path: '/not-json', signal: signal() });
    expect(text.text).toBe('Success: LoRA adapter added.');
    const error = await failure(client.json(endpoint, { path: '/not-json', signal: signal() }));
    expect(error.code).toBe('backend_error');
  });

  it('translates an error status with its body, and a 2xx body holding a top-level error', async () => {
    const missing = await failure(client.json(endpoint, { path: '/missing', signal: signal() }));
    expect(missing.code).toBe('not_found');
    expect(missing.details).toEqual({
      backend_status: 404,
      backend_message: "model 'x' not found",
    });
    const quirk = await failure(
      client.json(endpoint, { path: '/error-in-200', json: {}, signal: signal() }),
    );
    expect(quirk.code).toBe('backend_error');
    expect(quirk.message).toBe('Unexpected endpoint or method. (POST /base/error-in-200)');
  });

  it('reads only the start of a huge error body', async () => {
    const error = await failure(client.text(endpoint, { path: '/huge-error', signal: signal() }));
    expect(error.code).toBe('backend_error');
    expect(error.message).toHaveLength(2_000);
  });

  it('refuses bodies beyond the size limit, declared or not', async () => {
    const chunked = await failure(client.json(endpoint, { path: '/big', signal: signal() }));
    expect(chunked.code).toBe('backend_error');
    expect(chunked.details).toEqual({ max_response_bytes: 2048 });
    const declared = await failure(
      client.json(endpoint, { path: '/big-declared', signal: signal() }),
    );
    expect(declared.details).toEqual({ max_response_bytes: 2048 });
  });

  it('reports a refused connection as backend_unavailable', async () => {
    const error = await failure(client.json(refused, { path: '/', signal: signal() }));
    expect(error.code).toBe('backend_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ network_code: 'ECONNREFUSED' });
  });

  it('waits for a whole answer past the header timeout, as long as the call is not aborted', async () => {
    // The answer comes well after the client's 300 ms header timeout (undici's timers may fire up
    // to a second late), which a plain JSON call does not outlast (see the next test).
    expect(
      await client.answer(endpoint, { path: '/slow-answer', json: {}, signal: signal() }),
    ).toEqual({ answer: 'whole' });
    // The request's deadline, carried by the signal, is what bounds it.
    const cut = await failure(
      client.answer(endpoint, { path: '/slow-answer', json: {}, signal: AbortSignal.timeout(100) }),
    );
    expect(['timeout', 'cancelled']).toContain(cut.code);
  }, 15_000);

  it('gives up on missing headers with timeout and on a silent body with backend_error', async () => {
    const slow = await failure(client.json(endpoint, { path: '/slow-headers', signal: signal() }));
    expect(slow.code).toBe('timeout');
    const stream = await client.stream(endpoint, { path: '/stall', json: {}, signal: signal() });
    const stalled = await failure(
      (async () => {
        for await (const _chunk of stream.body) {
          // The first line arrives, then nothing.
        }
      })(),
    );
    expect(stalled.code).toBe('backend_error');
    expect(stalled.details).toEqual({ network_code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('reports a connection reset in the middle of a body as a retryable backend_error', async () => {
    const stream = await client.stream(endpoint, { path: '/reset', json: {}, signal: signal() });
    const error = await failure(
      (async () => {
        for await (const _chunk of stream.body) {
          // Part of a line arrives, then the socket dies.
        }
      })(),
    );
    expect(error.code).toBe('backend_error');
    expect(error.retryable).toBe(true);
  });

  it('closes the socket at once when the signal aborts mid-stream, as cancelled', async () => {
    const controller = new AbortController();
    const stream = await client.stream(endpoint, {
      path: '/stream',
      json: {},
      signal: controller.signal,
    });
    let chunks = 0;
    const error = await failure(
      (async () => {
        for await (const _chunk of stream.body) {
          if (++chunks === 2) controller.abort(new Error('caller went away'));
        }
      })(),
    );
    expect(error.code).toBe('cancelled');
    await expect(streamClosed.at(-1)).resolves.toBeUndefined();
  });

  it('closes the socket when the consumer stops reading early', async () => {
    const stream = await client.stream(endpoint, { path: '/stream', json: {}, signal: signal() });
    for await (const _chunk of stream.body) break;
    await expect(streamClosed.at(-1)).resolves.toBeUndefined();
  });

  it('keeps the connection for the next request when the consumer stops before the body ends', async () => {
    // One connection per origin: the next request can reuse it only if it was not closed.
    const single = new BackendHttpClient({ connectionsPerOrigin: 1 });
    try {
      const stream = await single.stream(endpoint, {
        path: '/answer-then-end',
        json: {},
        signal: signal(),
      });
      for await (const _chunk of stream.body) break;
      const next = (await single.json(endpoint, { path: '/port', signal: signal() })) as {
        port: number;
      };
      expect(next.port).toBe(answerPorts.at(-1));
    } finally {
      await single.close();
    }
  });

  it('reads a JSON answer where an event stream was asked for as an error body', async () => {
    const error = await failure(
      client.stream(endpoint, {
        path: '/error-in-200',
        json: {},
        eventStream: true,
        signal: signal(),
      }),
    );
    expect(error.message).toBe('Unexpected endpoint or method. (POST /base/error-in-200)');
  });

  it('does not send a request whose signal has already aborted', async () => {
    const error = await failure(
      client.json(endpoint, { path: '/echo', signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('cancelled');
  });
});
