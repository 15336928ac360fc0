import { SwitchyardError } from '@switchyard/contracts';
import type { z } from 'zod';

/**
 * Zod's messages, where a client needs another. A missing field: zod names the type it expected
 * ("expected nonoptional, received undefined"), or, for a field of several shapes (a completion's
 * `prompt`, an embedding's `input`), says only "Invalid input"; the client needs to hear that the
 * field is missing. A field of several shapes given none of them: which types it takes. Set by
 * `parseBody`'s error map.
 */
const MISSING = 'is required';
const clientMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) {
    return issue.code === 'invalid_type' || issue.code === 'invalid_union' ? MISSING : undefined;
  }
  if (issue.code !== 'invalid_union') return undefined;
  // A tagged shape (`{"type": …}`) whose tag is none of the shapes': zod reports no branch.
  if (issue.discriminator !== undefined && issue.inclusive !== false) {
    return unknownTag(issue.input, issue.discriminator, issue.options ?? []);
  }
  return unionTypes(issue.errors, issue.input);
};

/** `expected "text", "json_object" or "json_schema", received "xml"` for the tag at fault. */
function unknownTag(input: unknown, tag: string, options: readonly unknown[]): string {
  const value =
    input !== null && typeof input === 'object'
      ? (input as Record<string, unknown>)[tag]
      : undefined;
  if (value === undefined) return MISSING;
  const expected = listed(options.map((option) => JSON.stringify(option)));
  const received = JSON.stringify(value) ?? typeof value;
  return `Invalid input: expected ${expected}, received ${received.slice(0, MAX_RECEIVED_CHARS)}`;
}

/** The most of a wrong value an error message repeats. */
const MAX_RECEIVED_CHARS = 64;

/**
 * "expected string or array, received boolean" when the value is of none of the types the
 * shapes take, and `expected "json" or record, received "yaml"` when some shapes are values;
 * undefined (zod's own message) when one shape matched its type and failed inside.
 */
function unionTypes(branches: readonly (readonly z.core.$ZodIssue[])[], input: unknown) {
  const expected = new Set<string>();
  let values = false;
  for (const [first] of branches) {
    if (first === undefined || first.path.length > 0) return undefined;
    if (first.code === 'invalid_type') expected.add(first.expected);
    else if (first.code === 'invalid_value') {
      values = true;
      for (const value of first.values) expected.add(JSON.stringify(value) ?? String(value));
    } else return undefined;
  }
  const type = input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;
  // A value is worth repeating when values were expected and it is one of their kind.
  const received =
    values && typeof input !== 'object'
      ? (JSON.stringify(input) ?? type).slice(0, MAX_RECEIVED_CHARS)
      : type;
  return `Invalid input: expected ${listed([...expected])}, received ${received}`;
}

/** `a`, `a or b`, `a, b or c`. */
function listed(names: readonly string[]): string {
  return names.length > 1
    ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
    : (names[0] ?? '');
}

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
  if (message === MISSING) return `${param} ${MISSING}`;
  return message.startsWith(`${param} `) ? message : `${param}: ${message}`;
}

/** Parses `body` with `schema` or throws the `bad_request` for its first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SwitchyardError('bad_request', 'the request body must be a JSON object');
  }
  const parsed = schema.safeParse(body, { error: clientMessages });
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
  const parsed = schema.safeParse(value);
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
