import { SwitchyardError } from '@switchyard/contracts';
import { Agent, type Dispatcher } from 'undici';
import type { BackendEndpoint } from '../backend-adapter.js';
import {
  networkError,
  translateHttpStatusError,
  type BackendErrorTranslator,
} from './backend-errors.js';
import {
  guardBody,
  hasTopLevelError,
  headerOf,
  isSuccess,
  parseBody,
  readBounded,
} from './response-body.js';

/** Defaults of {@link BackendHttpClientOptions}; one place for each. */
export const BACKEND_HTTP_DEFAULTS = {
  /** A backend that takes longer than this to accept a TCP connection is not there. */
  connectTimeoutMs: 5_000,
  /**
   * Ollama and LM Studio send nothing until a model has loaded, which can take minutes; the
   * request's own deadline (its abort signal) is what normally bounds the wait.
   */
  headersTimeoutMs: 10 * 60_000,
  /** The longest silence between two chunks of a body. */
  bodyIdleTimeoutMs: 10 * 60_000,
  /**
   * Largest non-streamed body read into memory. A large embedding batch goes to the backend in
   * slices whose answers fit (`embedInSlices`).
   */
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

/** Error bodies are read only this far; the rest is dropped with the connection. */
const ERROR_BODY_BYTES = 64 * 1024;

export interface BackendHttpClientOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyIdleTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Sockets per backend origin; unlimited by default (the runtime bounds concurrency). */
  connectionsPerOrigin?: number;
  /** The backend kind's translation of failed answers; the plain status mapping by default. */
  translateError?: BackendErrorTranslator;
}

export interface BackendCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path below the endpoint URL, starting with `/`. */
  path: string;
  /** Sent as the JSON body. */
  json?: unknown;
  /** Aborting it closes the socket at once. */
  signal: AbortSignal;
  headersTimeoutMs?: number;
  bodyIdleTimeoutMs?: number;
}

export interface BackendTextResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export interface BackendStreamResponse {
  readonly status: number;
  readonly contentType: string;
  /**
   * The body as it arrives. Failures surface as catalogued errors. A cancelled call's signal
   * closes the socket (how a cancelled generation stops the backend); leaving the loop early
   * without one reads the rest of the body out, briefly, so the connection can be reused.
   */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * HTTP to backends over undici: one keep-alive pool per backend origin, bounded timeouts,
 * bounded bodies, and every failure (network, status, error body) as a catalogued
 * `SwitchyardError` translated by the backend kind's rules.
 */
export class BackendHttpClient {
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;
  private readonly translateError: BackendErrorTranslator;

  constructor(options: BackendHttpClientOptions = {}) {
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? BACKEND_HTTP_DEFAULTS.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs ?? BACKEND_HTTP_DEFAULTS.headersTimeoutMs,
      bodyTimeout: options.bodyIdleTimeoutMs ?? BACKEND_HTTP_DEFAULTS.bodyIdleTimeoutMs,
      ...(options.connectionsPerOrigin === undefined
        ? {}
        : { connections: options.connectionsPerOrigin }),
    });
    this.maxResponseBytes = options.maxResponseBytes ?? BACKEND_HTTP_DEFAULTS.maxResponseBytes;
    this.translateError = options.translateError ?? translateHttpStatusError;
  }

  /** The whole body as text (bounded); a non-2xx status is thrown as a translated error. */
  async text(endpoint: BackendEndpoint, call: BackendCall): Promise<BackendTextResponse> {
    const response = await this.send(endpoint, call, 'application/json');
    if (!isSuccess(response.statusCode)) throw await this.failure(response, call.signal);
    const text = await readBounded(response, this.maxResponseBytes, call.signal);
    return {
      status: response.statusCode,
      contentType: headerOf(response.headers, 'content-type'),
      text,
    };
  }

  /**
   * The body parsed as JSON (`undefined` when empty). A 2xx body that is an object with a
   * top-level `error` is an error too: LM Studio answers unknown routes with 200 and
   * `{"error":"Unexpected endpoint or method. …"}`.
   */
  async json(endpoint: BackendEndpoint, call: BackendCall): Promise<unknown> {
    const { status, text } = await this.text(endpoint, call);
    if (text.trim().length === 0) return undefined;
    const body = parseBody(text);
    if (body === undefined) {
      throw new SwitchyardError('backend_error', 'the backend answered with malformed JSON', {
        details: { backend_status: status, body: text.slice(0, 200) },
      });
    }
    if (hasTopLevelError(body)) {
      throw this.translateError({ status, body, text: text.slice(0, ERROR_BODY_BYTES) });
    }
    return body;
  }

  /**
   * A whole generated answer (a non-streamed generation), read as {@link json}. The backend sends
   * its headers only once the answer is complete, so the header timeout, meant for a stream's
   * first token, does not apply: the call's signal, which carries the request's deadline, bounds
   * the wait.
   */
  async answer(endpoint: BackendEndpoint, call: BackendCall): Promise<unknown> {
    return this.json(endpoint, Object.assign({}, call, { headersTimeoutMs: 0 }));
  }

  /**
   * Starts a streaming request. A non-2xx status is read and thrown as a translated error
   * before any of the body is handed out. With `eventStream`, a JSON answer where an event
   * stream was asked for is read as an error body (LM Studio's 200 answer to unknown routes).
   */
  async stream(
    endpoint: BackendEndpoint,
    call: BackendCall & { eventStream?: boolean },
  ): Promise<BackendStreamResponse> {
    const accept = call.eventStream ? 'text/event-stream' : 'application/x-ndjson';
    const response = await this.send(endpoint, call, accept);
    if (!isSuccess(response.statusCode)) throw await this.failure(response, call.signal);
    const contentType = headerOf(response.headers, 'content-type');
    if (call.eventStream && contentType.includes('application/json')) {
      const text = await readBounded(response, ERROR_BODY_BYTES, call.signal, true);
      const body = parseBody(text);
      if (hasTopLevelError(body)) {
        throw this.translateError({ status: response.statusCode, body, text });
      }
      throw new SwitchyardError('backend_error', 'the backend sent JSON, not an event stream', {
        details: { backend_status: response.statusCode, body: text.slice(0, 200) },
      });
    }
    return {
      status: response.statusCode,
      contentType,
      body: guardBody(response.body, call.signal),
    };
  }

  /** Closes every pooled connection; in-flight requests finish first. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(
    endpoint: BackendEndpoint,
    call: BackendCall,
    accept: string,
  ): Promise<Dispatcher.ResponseData> {
    if (call.signal.aborted) throw networkError(undefined, call.signal);
    const url = new URL(endpoint.url);
    const headers: Record<string, string> = { accept, 'user-agent': 'switchyard' };
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    if (endpoint.apiKey) headers['authorization'] = `Bearer ${endpoint.apiKey}`;
    try {
      return await this.agent.request({
        origin: url.origin,
        path: `${url.pathname.replace(/\/+$/, '')}${call.path}`,
        method: call.method ?? (call.json === undefined ? 'GET' : 'POST'),
        headers,
        body: call.json === undefined ? null : JSON.stringify(call.json),
        signal: call.signal,
        ...(call.headersTimeoutMs === undefined ? {} : { headersTimeout: call.headersTimeoutMs }),
        ...(call.bodyIdleTimeoutMs === undefined ? {} : { bodyTimeout: call.bodyIdleTimeoutMs }),
      });
    } catch (error) {
      throw networkError(error, call.signal);
    }
  }

  /** Reads the start of a failed answer and translates it. */
  private async failure(
    response: Dispatcher.ResponseData,
    signal: AbortSignal,
  ): Promise<SwitchyardError> {
    const text = await readBounded(response, ERROR_BODY_BYTES, signal, true);
    return this.translateError({
      status: response.statusCode,
      body: parseBody(text),
      text,
      headers: response.headers,
    });
  }
}
