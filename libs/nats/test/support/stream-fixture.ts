import { randomUUID } from 'node:crypto';
import type { Msg } from '@nats-io/transport-node';
import { sleep, startNatsServer, type NatsServer } from '@switchyard/testing';
import {
  chatRequestSchema,
  Subjects,
  type ChatRequest,
  type StartFrame,
} from '@switchyard/contracts';
import {
  ConnectionWatch,
  connectNats,
  RequestStreamClient,
  StreamServer,
  type NatsConnection,
  type NatsLogger,
  type RequestStreamClientOptions,
  type StreamFrame,
  type StreamServerOptions,
} from '../../src/index.js';

/** A real nats-server, a serving and a calling connection, and both ends of the protocol. */
export interface StreamFixture {
  nats: NatsServer;
  serverNc: NatsConnection;
  clientNc: NatsConnection;
  subjects: Subjects;
  server: StreamServer;
  client: RequestStreamClient;
  close(): Promise<void>;
}

export interface StreamFixtureOptions
  extends
    Partial<
      Pick<StreamServerOptions, 'heartbeatIntervalMs' | 'defaultTimeoutMs' | 'maxRequestBytes'>
    >,
    Partial<Pick<RequestStreamClientOptions, 'idleTimeoutMs' | 'maxBufferedBytes'>> {
  serverLogger?: NatsLogger;
  /** The nats-server's configuration file, e.g. a small `max_payload`. */
  natsConfig?: string;
  /** The calling connection's `nats.outage_wait_ms`, which also bounds asking for lost frames. */
  clientOutageWaitMs?: number;
}

export async function startStreamFixture(
  options: StreamFixtureOptions = {},
): Promise<StreamFixture> {
  const nats = await startNatsServer({
    jetstream: false,
    ...(options.natsConfig === undefined ? {} : { config: options.natsConfig }),
  });
  const config = { servers: [nats.url], reconnect_wait_ms: 50 };
  const serverNc = await connectNats(config, { name: 'test-worker' });
  const clientNc = await connectNats(config, { name: 'test-caller' });
  const subjects = new Subjects();
  const server = new StreamServer(serverNc, {
    subjects,
    workerId: 'worker-1',
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 10_000,
    ...(options.maxRequestBytes === undefined ? {} : { maxRequestBytes: options.maxRequestBytes }),
    ...(options.serverLogger === undefined ? {} : { logger: options.serverLogger }),
  });
  const client = new RequestStreamClient(clientNc, {
    subjects,
    idleTimeoutMs: options.idleTimeoutMs ?? 5_000,
    ...(options.clientOutageWaitMs === undefined
      ? {}
      : {
          connection: new ConnectionWatch(clientNc, { outageWaitMs: options.clientOutageWaitMs }),
        }),
    ...(options.maxBufferedBytes === undefined
      ? {}
      : { maxBufferedBytes: options.maxBufferedBytes }),
  });
  return {
    nats,
    serverNc,
    clientNc,
    subjects,
    server,
    client,
    close: async () => {
      await server.stop({ graceMs: 0 });
      await Promise.all([serverNc.close(), clientNc.close()]);
      await nats.stop();
    },
  };
}

/** Every frame of a chat request to `model`'s subject, through to the terminal one. */
export async function framesOf(
  fx: StreamFixture,
  model: string,
  timeoutMs = 20_000,
): Promise<StreamFrame[]> {
  const frames: StreamFrame[] = [];
  for await (const frame of fx.client.stream(fx.subjects.chat(model), chatRequest(), {
    timeoutMs,
  })) {
    frames.push(frame);
  }
  return frames;
}

/** A valid chat request with a fresh id. */
export function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    id: `req-${randomUUID()}`,
    model: 'llama3.2:latest',
    messages: [{ role: 'user', content: 'Hello' }],
    ...overrides,
  };
}

export const usage = { prompt_tokens: 3, completion_tokens: 2 };

/** A logger that keeps what it is told, for asserting on status logging. */
export function recordingLogger(): NatsLogger & { messages: string[] } {
  const messages: string[] = [];
  const record = (_fields: object, message?: string) => {
    if (message !== undefined) messages.push(message);
  };
  return { messages, debug: record, info: record, warn: record, error: record };
}

/**
 * A responder the test drives by hand, on the fixture's serving connection: the requests sent to
 * `subject` and the request id of every cancel, as they come. Resolves once the server has both
 * subscriptions.
 */
export async function rawResponder(
  fx: StreamFixture,
  subject: string,
): Promise<{ requests: Msg[]; cancels: string[] }> {
  const requests: Msg[] = [];
  const cancels: string[] = [];
  fx.serverNc.subscribe(subject, { callback: (_error, msg) => void requests.push(msg) });
  fx.serverNc.subscribe(fx.subjects.cancelWildcard, {
    callback: (_error, msg) =>
      void cancels.push(msg.subject.slice(msg.subject.lastIndexOf('.') + 1)),
  });
  await fx.serverNc.flush();
  return { requests, cancels };
}

/** The start frame a {@link rawResponder} sends for the request `requestId`. */
export function rawStartFrame(fx: StreamFixture, requestId: string): StartFrame {
  return {
    type: 'start',
    seq: 0,
    request_id: requestId,
    worker: 'raw',
    kind: 'vllm',
    backend: 'vllm-1',
    cancel: fx.subjects.cancel(requestId),
  };
}

/** Runs `fn` and returns what it threw, failing if it did not throw. */
export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * Serves `subject` as a backend that generates a token every 50 ms until it is told to stop;
 * `onAbort` hears why it was.
 */
export function serveEndless(
  server: StreamServer,
  subject: string,
  onAbort: (reason: unknown) => void = () => undefined,
): void {
  server.serve(subject, { schema: chatRequestSchema }, async (_request, ctx) => {
    ctx.start({ kind: 'ollama', backend: 'ollama-1' });
    while (!ctx.signal.aborted) {
      ctx.send({ type: 'delta', text: 'token ' });
      await sleep(50);
    }
    onAbort(ctx.signal.reason);
    throw ctx.signal.reason;
  });
}
