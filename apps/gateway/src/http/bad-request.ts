import { safeParseForClient, SwitchyardError, withField } from '@switchyard/contracts';
import type { z } from 'zod';

/** A zod failure as a `bad_request` naming the first offending field, OpenAI-style (`param`). */
export function badRequestFrom(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): SwitchyardError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])];
  const param = path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`,
    )
    .join('');
  const message = issue === undefined ? 'invalid request' : issue.message;
  return new SwitchyardError('bad_request', named(param, message), {
    details: param === '' ? {} : { param },
  });
}

/** The message with the field it is about, unless it names the field already. */
function named(param: string, message: string): string {
  if (param === '') return message;
  return message.startsWith(`${param} `) ? message : withField(param, message);
}

/** Parses `body` with `schema` or throws the `bad_request` for its first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SwitchyardError('bad_request', 'the request body must be a JSON object');
  }
  const parsed = safeParseForClient(schema, body);
  if (!parsed.success) throw badRequestFrom(parsed.error);
  return parsed.data;
}

/**
 * Parses one part of a body (an input item, a tool) with its schema, or throws the `bad_request`
 * for its first problem, named from where the part is (`['input', 3]`: `input[3].call_id`).
 */
export function parseField<S extends z.ZodType>(
  schema: S,
  value: unknown,
  path: readonly PropertyKey[],
): z.output<S> {
  const parsed = safeParseForClient(schema, value);
  if (!parsed.success) throw badRequestFrom(parsed.error, path);
  return parsed.data;
}

/**
 * A `bad_request` naming the field at fault: a value the gateway cannot honour on any backend
 * (`best_of` above 1, an image by URL), or one the body's schema cannot judge alone (it depends
 * on another field, or on which of several shapes it has). The catalogue's `unsupported` is for
 * what one kind of backend cannot do.
 */
export function badField(message: string, param: string): SwitchyardError {
  return new SwitchyardError('bad_request', message, { details: { param } });
}
