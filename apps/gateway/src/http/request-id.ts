import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER, SUBJECT_SAFE_ID } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';

// The HTTP header is the NATS header: one name for the id from the client to the worker's logs.
export { REQUEST_ID_HEADER };

/**
 * A caller's id is kept when it can safely name the request everywhere it goes (logs, NATS
 * headers): a subject-safe id, 1 to 128 letters, digits, `_` or `-`. Anything else gets a fresh
 * id, so a hostile header cannot reach a log field or a subject.
 */
export function requestIdFor(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && SUBJECT_SAFE_ID.test(given) ? given : generateRequestId();
}

/**
 * `req_` and 24 random hex digits (94 random bits). Taken from `randomUUID`, which draws on a
 * cached pool of entropy, rather than `randomBytes`, which asks the kernel on every call: the
 * gateway makes two ids per request (the HTTP one and the NATS one).
 */
export function generateRequestId(): string {
  const hex = randomUUID().replaceAll('-', '');
  // Leave out digit 12, the UUID's fixed version; digit 16 (its variant) keeps two random bits.
  return `req_${hex.slice(0, 12)}${hex.slice(13, 25)}`;
}

/** The id the request-id hook gave the request. */
export function requestIdOf(request: FastifyRequest): string {
  return String(request.id);
}
