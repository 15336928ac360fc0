import type { ServerResponse } from 'node:http';
import {
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  SwitchyardError,
  type DeltaFrame,
  type EndFrame,
} from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import type { FastifyReply } from 'fastify';
import { noteStreamFailure } from './request-timing.js';

export const OVERHEAD_HEADER = 'x-switchyard-overhead-ms';

/** How a stream's pieces are framed on the wire: SSE events or NDJSON lines. */
export interface StreamFormat {
  contentType: string;
  /** One message as it goes on the wire. */
  encode(message: unknown): string;
  /** What closes a complete stream (`data: [DONE]`), if anything. */
  trailer?: string;
  /** A failure after the stream started, in the API's shape; the stream ends after it. */
  error(error: SwitchyardError): string;
}

/** Each gateway's bound, by its HTTP server; a server never bound waits the setting's default. */
const stalledReaderTimeouts = new WeakMap<object, number>();

/**
 * How long a streamed answer on `server` (Fastify's HTTP server) waits on a client that reads
 * none of it, its socket's buffer full, before it is cut off (`gateway.stream_idle_timeout_ms`).
 */
export function boundStalledReaders(server: object, timeoutMs: number): void {
  stalledReaderTimeouts.set(server, timeoutMs);
}

/** The stalled-reader bound of the gateway that answers `reply`. */
function stalledReaderTimeout(reply: FastifyReply): number {
  return stalledReaderTimeouts.get(reply.server.server) ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
}

/**
 * Writes an answer as a stream: the status and headers first, then each message as the frames
 * produce it, respecting backpressure (a slow client slows the read of the NATS stream, whose
 * bounded buffer then cancels the work rather than pinning memory). A client that takes nothing
 * for the stalled-reader bound ({@link boundStalledReaders}) is cut off, and the work cancelled:
 * waiting on it for ever held the connection, and the backend generated for nobody until the
 * request's deadline. A failure after the headers went out is written in-band and the stream
 * ends without its trailer, so a client can tell a cut-off answer from a complete one.
 */
export async function writeStream(
  reply: FastifyReply,
  format: StreamFormat,
  messages: AsyncIterable<unknown>,
): Promise<void> {
  const raw = reply.raw;
  const stalledMs = stalledReaderTimeout(reply);
  reply.hijack();
  raw.writeHead(
    200,
    Object.assign({}, headersOf(reply), {
      'content-type': format.contentType,
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    }),
  );
  try {
    for await (const message of messages) {
      const full = write(raw, format.encode(message), stalledMs);
      if (full !== undefined) await full;
    }
    if (format.trailer !== undefined) await write(raw, format.trailer, stalledMs);
  } catch (thrown) {
    const error = SwitchyardError.from(thrown);
    noteStreamFailure(reply.request.raw, error.code);
    if (!raw.destroyed) await write(raw, format.error(error), stalledMs);
  } finally {
    if (!raw.writableEnded) raw.end();
  }
}

/**
 * Sends a whole JSON answer with the gateway-overhead header (the whole overhead; without one,
 * no header rather than the first-token figure set while the answer was read).
 */
export function sendJson(
  reply: FastifyReply,
  body: unknown,
  overheadMs: number | undefined,
): Promise<void> | FastifyReply {
  setOverhead(reply, overheadMs);
  return reply.code(200).header('content-type', 'application/json').send(JSON.stringify(body));
}

/** How much JSON text is gathered before a write: a small answer goes in one. */
const JSON_WRITE_CHARS = 64 * 1024;

/**
 * Sends a JSON answer given in pieces (`jsonPieces`) as they are made, so a large one is never
 * held as text whole, as {@link sendJson} would hold it. An answer that fits in one write goes as
 * {@link sendJson} sends it, with its length; a larger one is written as the client takes it,
 * and a client that takes none of it for the stalled-reader bound is cut off, as in a stream.
 */
export async function writeJsonPieces(
  reply: FastifyReply,
  pieces: Iterable<string>,
  overheadMs: number | undefined,
): Promise<void> {
  setOverhead(reply, overheadMs);
  const raw = reply.raw;
  let gathered = '';
  let stalledMs: number | undefined;
  for (const piece of pieces) {
    gathered += piece;
    if (gathered.length < JSON_WRITE_CHARS) continue;
    if (stalledMs === undefined) {
      stalledMs = stalledReaderTimeout(reply);
      reply.hijack();
      raw.writeHead(
        200,
        Object.assign({}, headersOf(reply), { 'content-type': 'application/json' }),
      );
    }
    // A client gone ends the answer: there is nobody left to send it to.
    if (raw.destroyed) return;
    const full = write(raw, gathered, stalledMs);
    gathered = '';
    if (full !== undefined) await full;
  }
  if (stalledMs === undefined) {
    await reply.code(200).header('content-type', 'application/json').send(gathered);
  } else if (!raw.destroyed) raw.end(gathered);
}

function setOverhead(reply: FastifyReply, overheadMs: number | undefined): void {
  if (overheadMs !== undefined) reply.header(OVERHEAD_HEADER, overheadMs.toFixed(1));
  else reply.removeHeader(OVERHEAD_HEADER);
}

/** Reads a routed stream to its end. */
export async function collectFrames(
  frames: AsyncIterable<StreamFrame>,
): Promise<{ deltas: DeltaFrame[]; end: EndFrame }> {
  const deltas: DeltaFrame[] = [];
  for await (const frame of frames) {
    if (frame.type === 'delta') deltas.push(frame);
    else if (frame.type === 'end') return { deltas, end: frame };
  }
  throw new SwitchyardError('stream_interrupted', 'the reply stream ended without an end frame');
}

/** Gateway time for a request: all of it minus what the backend reported spending. */
export function overheadMs(startedAt: number, end: EndFrame): number | undefined {
  const backend = end.timings?.total_ms;
  if (backend === undefined) return undefined;
  return Math.max(0, performance.now() - startedAt - backend);
}

/**
 * Writes `data`, and returns a promise only when the socket's buffer is full: it settles on
 * `drain` (or `close`), and when neither comes within `stalledMs` the connection is destroyed
 * (so it settles by `close`, and the next write finds the client gone). A streamed answer
 * writes once per token and almost never waits, so the common case allocates nothing to await.
 */
function write(raw: ServerResponse, data: string, stalledMs: number): Promise<void> | undefined {
  if (raw.destroyed) throw new SwitchyardError('cancelled', 'the client went away');
  if (raw.write(data)) return undefined;
  return new Promise<void>((resolve) => {
    const stalled = setTimeout(() => raw.destroy(), stalledMs);
    const done = (): void => {
      clearTimeout(stalled);
      raw.removeListener('drain', done);
      raw.removeListener('close', done);
      resolve();
    };
    raw.once('drain', done);
    raw.once('close', done);
  });
}

function headersOf(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
