import type { IncomingMessage } from 'node:http';
import type { Caller } from './api-key.policy.js';

const callers = new WeakMap<IncomingMessage, Caller>();

/** Notes who sent a request (the access check's answer), for the limits applied later. */
export function noteCaller(raw: IncomingMessage, caller: Caller): void {
  callers.set(raw, caller);
}

/** Who sent a request; `undefined` for the open probes, which nothing limits. */
export function callerOf(raw: IncomingMessage): Caller | undefined {
  return callers.get(raw);
}
