import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAbortedError, RequestBodyError, SimHttpError } from './sim-errors.js';

/** Request bodies above this are refused (images in base64 make chat bodies large). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export const JSON_TYPE = 'application/json; charset=utf-8';
export const NDJSON_TYPE = 'application/x-ndjson';
export const SSE_TYPE = 'text/event-stream; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

/** One SSE event carrying JSON. */
export const sseData = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
export const SSE_DONE = 'data: [DONE]\n\n';
/** One NDJSON line. */
export const ndjsonLine = (value: unknown): string => `${JSON.stringify(value)}\n`;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new RequestBodyError('too_large', `request body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on('error', reject);
    // A client that leaves mid-body must not leave the handler waiting forever.
    req.on('close', () => {
      if (!req.complete) reject(new RequestAbortedError('the client left before sending the body'));
    });
  });
}

/** Parses a JSON object body; the error says what was wrong, in words close to Go's decoder. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw new RequestBodyError('empty', 'missing request body');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new RequestBodyError('invalid_json', (error as Error).message, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestBodyError('not_object', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  type = TEXT_TYPE,
): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A response with no body at all (Ollama's delete/copy, vLLM's /health). */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

export function sendHttpError(res: ServerResponse, error: SimHttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
  res.writeHead(error.status, {
    'content-type': error.contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
