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
