import { isRecord, SwitchyardError } from '@switchyard/contracts';
import type { Dispatcher } from 'undici';
import { networkError } from './backend-errors.js';

// Reading undici response bodies within bounds, with failures as catalogued errors.

type ResponseBody = Dispatcher.ResponseData['body'];

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function headerOf(headers: Dispatcher.ResponseData['headers'], name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Whether a parsed body is an object carrying a top-level `error`, the way errors look. */
export function hasTopLevelError(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && body['error'] !== undefined && body['error'] !== null;
}

/** The body as JSON, or `undefined` when it is empty or not JSON. */
export function parseBody(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads a body up to `limit` bytes. Beyond it the socket is closed and the answer is either cut
 * there (`truncate`, for error bodies) or a `backend_error`.
 */
export async function readBounded(
  response: Dispatcher.ResponseData,
  limit: number,
  signal: AbortSignal,
  truncate = false,
): Promise<string> {
  const declared = Number(headerOf(response.headers, 'content-length'));
  if (!truncate && declared > limit) {
    response.body.destroy();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (size + chunk.length > limit) {
        response.body.destroy();
        if (!truncate) throw tooLarge(limit);
        chunks.push(chunk.subarray(0, limit - size));
        break;
      }
      size += chunk.length;
      chunks.push(chunk);
    }
  } catch (error) {
    throw networkError(error, signal);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(limit: number): SwitchyardError {
  return new SwitchyardError('backend_error', `the backend answer is larger than ${limit} bytes`, {
    details: { max_response_bytes: limit },
  });
}

/** After a consumer stopped reading early, how long the rest of the body may take to arrive. */
const RELEASE_TIMEOUT_MS = 2_000;

/**
 * The body as it arrives, its failures (reset, idle timeout, our abort) as catalogued errors.
 *
 * A consumer may stop before the body ends: at `data: [DONE]` or a final chunk, with only the
 * end of the HTTP message still to come, or because the request was cancelled. Cancelled, the
 * request's signal has already made undici close the socket, which is how the backend learns to
 * stop. Otherwise the rest is read out (briefly, within bounds) so the connection stays open for
 * the next request instead of costing a new one each time.
 */
export async function* guardBody(
  body: ResponseBody,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array, void, undefined> {
  let ended = false;
  try {
    for await (const chunk of body.iterator({
      destroyOnReturn: false,
    }) as AsyncIterable<Uint8Array>) {
      yield chunk;
    }
    ended = true;
  } catch (error) {
    ended = true;
    throw networkError(error, signal);
  } finally {
    if (!ended) release(body, signal);
  }
}

function release(body: ResponseBody, signal: AbortSignal): void {
  if (signal.aborted || body.destroyed) {
    body.destroy();
    return;
  }
  // Anything still coming after the consumer is done is not wanted: a bounded read to the end.
  // A plain timer, cleared when the read ends, rather than AbortSignal.timeout: that one fires
  // (and builds a DOMException) two seconds after every request whether or not it is needed.
  const bound = setTimeout(() => body.destroy(), RELEASE_TIMEOUT_MS);
  void body
    .dump({ limit: Number.MAX_SAFE_INTEGER })
    .catch(() => undefined)
    .finally(() => clearTimeout(bound));
}
