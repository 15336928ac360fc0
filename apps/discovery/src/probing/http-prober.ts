import { deadlineSignal } from '@switchyard/service';
import { Agent, errors, request, type Dispatcher } from 'undici';
import { ProbeError } from './probe-errors.js';

export interface HttpProberOptions {
  /** The most one request may take, from connecting to the last byte read. */
  timeoutMs: number;
  /** The most of a body that is read; a bigger one fails with `too_large`. */
  maxBytes: number;
}

export interface ProbeRequestOptions {
  signal?: AbortSignal;
  /** Sent as a bearer token (vLLM `--api-key`, LM Studio with authentication on). */
  apiKey?: string;
}

/** One probe answer: the status and the (capped) body as text. */
export interface ProbeResponse {
  status: number;
  contentType: string;
  text: string;
  latencyMs: number;
}

/**
 * GET requests for probes, with every limit a probe needs: a deadline per request, a cap on the
 * bytes read, no redirects (undici's `request` never follows them, so an answer can never send a
 * probe to another host), and a small connection pool of its own so probes never queue behind
 * inference traffic or each other for long.
 */
export class HttpProber {
  private readonly agent: Agent;

  constructor(private readonly options: HttpProberOptions) {
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 2,
      keepAliveTimeout: 4_000,
    });
  }

  async get(
    baseUrl: string,
    path: string,
    options: ProbeRequestOptions = {},
  ): Promise<ProbeResponse> {
    const started = performance.now();
    const { signal, apiKey } = options;
    // Not `AbortSignal.any([signal, AbortSignal.timeout(…)])`: the watcher's signal lives as long
    // as discovery, and Node keeps every signal `any` made from it (see `deadlineSignal`).
    const deadline = deadlineSignal(this.options.timeoutMs, signal);
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(new URL(path, baseUrl), {
          method: 'GET',
          dispatcher: this.agent,
          signal: deadline.signal,
          headers: {
            accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
            ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          },
        });
      } catch (error) {
        throw classify(error, deadline.timedOut);
      }
      const text = await this.readCapped(response, deadline);
      const contentType = response.headers['content-type'];
      return {
        status: response.statusCode,
        contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
        text,
        latencyMs: Math.round(performance.now() - started),
      };
    } finally {
      deadline.release();
    }
  }

  /** Reads a JSON body; anything that does not parse is `undefined`. */
  async getJson(
    baseUrl: string,
    path: string,
    options: ProbeRequestOptions = {},
  ): Promise<ProbeResponse & { json: unknown }> {
    const response = await this.get(baseUrl, path, options);
    let json: unknown;
    try {
      json = response.text === '' ? undefined : JSON.parse(response.text);
    } catch {
      json = undefined;
    }
    return { ...response, json };
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }

  private async readCapped(response: Dispatcher.ResponseData, deadline: { timedOut: boolean }) {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.options.maxBytes) {
      response.body.destroy();
      throw tooLarge(this.options.maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.options.maxBytes) {
          response.body.destroy();
          throw tooLarge(this.options.maxBytes);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ProbeError) throw error;
      throw classify(error, deadline.timedOut);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

function tooLarge(maxBytes: number): ProbeError {
  return new ProbeError('too_large', `the answer is larger than ${maxBytes} bytes`);
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
]);

function classify(error: unknown, timedOut: boolean): ProbeError {
  if (error instanceof ProbeError) return error;
  if (
    timedOut ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new ProbeError('timeout', 'the probe timed out', { cause: error });
  }
  const code = errorCode(error);
  if (error instanceof errors.HTTPParserError || code?.startsWith('HPE_')) {
    return new ProbeError('not_http', 'the answer is not HTTP', { cause: error });
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new ProbeError('unreachable', `not reachable (${code})`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProbeError('unreachable', `not reachable (${message})`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
