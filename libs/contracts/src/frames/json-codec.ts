import type { z } from 'zod';
import { safeParseForClient, withField } from '../errors/issue-messages.js';
import { SwitchyardError } from '../errors/switchyard-error.js';

const decoder = new TextDecoder();

/** A parsed JSON value that is an object: not `null`, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every protocol message is compact UTF-8 JSON. `Buffer.from` rather than `TextEncoder`: on
 * Node 20 `encode` gives each message an array buffer of its own, allocated outside the heap,
 * where a small `Buffer` is cut from a shared pool, in a third of the time (a reply frame's
 * whole encoding, `JSON.stringify` included, 2.1 → 1.4 µs).
 */
export function encodeMessage(message: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/**
 * Parses and validates one message. Anything that is not JSON or does not match the schema is a
 * `bad_request` naming the first problem, so a handler never sees an invalid message.
 */
export function decodeMessage<T extends z.ZodType>(
  schema: T,
  data: Uint8Array,
  what: string,
): z.infer<T> {
  return checkMessage(schema, parseMessage(data, what), what);
}

/** The JSON of one message; anything else is a `bad_request`. */
export function parseMessage(data: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new SwitchyardError('bad_request', `${what} is not valid JSON`, { cause: error });
  }
}

/** A parsed message checked against its schema: a `bad_request` naming the first problem. */
export function checkMessage<T extends z.ZodType>(
  schema: T,
  json: unknown,
  what: string,
): z.infer<T> {
  const result = safeParseForClient(schema, json);
  if (!result.success) {
    throw new SwitchyardError(
      'bad_request',
      `${what} is invalid: ${describeIssues(result.error.issues)}`,
      {
        details: {
          issues: result.error.issues
            .slice(0, 10)
            .map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        },
      },
    );
  }
  return result.data;
}

/** One line naming each problem and where it is, for error messages. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map(({ path, message }) => {
      if (path.length === 0) return message;
      return withField(path.join('.'), message);
    })
    .join('; ');
}
