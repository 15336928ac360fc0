import type { IncomingMessage } from 'node:http';

const started = new WeakMap<IncomingMessage, number>();

/** Notes when a request arrived (`performance.now()`), for the overhead header. */
export function markStart(raw: IncomingMessage): void {
  started.set(raw, performance.now());
}

export function startOf(raw: IncomingMessage): number {
  return started.get(raw) ?? performance.now();
}

const models = new WeakMap<IncomingMessage, string>();

/** Notes which model answered a request, for the request metrics. */
export function noteModel(raw: IncomingMessage, model: string): void {
  models.set(raw, model);
}

export function modelOf(raw: IncomingMessage): string | undefined {
  return models.get(raw);
}

const streamFailures = new WeakMap<IncomingMessage, string>();

/**
 * Notes the error code a streamed answer ended with after its 200 went out (written in-band, or
 * `cancelled` when the client left), for the metrics: its status says nothing of it.
 */
export function noteStreamFailure(raw: IncomingMessage, code: string): void {
  streamFailures.set(raw, code);
}

export function streamFailureOf(raw: IncomingMessage): string | undefined {
  return streamFailures.get(raw);
}
