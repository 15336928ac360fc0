import type { z } from 'zod';

/** What a message says of a field that is missing, after the field's name. */
export const IS_REQUIRED = 'is required';

/**
 * A message about a field, with its name: `model is required` and `max_tokens must be at least 1`
 * read as sentences ({@link issueMessages} words them to follow the name); any other message
 * follows the name and a colon.
 */
export function withField(field: string, message: string): string {
  return message === IS_REQUIRED || message.startsWith('must ')
    ? `${field} ${message}`
    : `${field}: ${message}`;
}

/**
 * Zod's messages, where a client needs another; the error map of every check of a client's
 * message, over HTTP (the gateway) and NATS (see {@link safeParseForClient}). A missing field: zod
 * names the type it expected ("expected nonoptional, received undefined"), or, for a field of
 * several shapes (a completion's `prompt`, an embedding's `input`), says only "Invalid input"; the
 * client needs to hear that the field is missing. A field of several shapes given none of them:
 * which types it takes.
 */
export const issueMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) {
    return issue.code === 'invalid_type' || issue.code === 'invalid_union'
      ? IS_REQUIRED
      : undefined;
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') return outOfRange(issue);
  if (issue.code !== 'invalid_union') return undefined;
  // A tagged shape (`{"type": …}`) whose tag is none of the shapes': zod reports no branch.
  if (issue.discriminator !== undefined && issue.inclusive !== false) {
    return unknownTag(issue.input, issue.discriminator, issue.options ?? []);
  }
  return unionTypes(issue.errors, issue.input);
};

/**
 * How a bound reads, for an amount (a number) and for a count (characters, items): zod's
 * `inclusive: false` is `>` and `<`.
 */
const BOUND_WORDS = {
  too_small: {
    inclusive: { amount: 'at least', count: 'at least' },
    exclusive: { amount: 'greater than', count: 'more than' },
  },
  too_big: {
    inclusive: { amount: 'at most', count: 'at most' },
    exclusive: { amount: 'less than', count: 'fewer than' },
  },
} as const;

/**
 * A bound in words: `must be greater than 0`, `must be at most 2`, `must have at most 16 items`.
 * Zod's own (`Too small: expected number to be >0`) reads as a developer's assertion.
 */
function outOfRange(
  issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig>,
): string | undefined {
  const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const words = BOUND_WORDS[issue.code][issue.inclusive === false ? 'exclusive' : 'inclusive'];
  const plural = bound === '1' ? '' : 's';
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${words.amount} ${bound}`;
    case 'string':
      return `must be ${words.count} ${bound} character${plural} long`;
    case 'array':
    case 'set':
      return `must have ${words.count} ${bound} item${plural}`;
    default:
      return undefined;
  }
}

/** `expected "text", "json_object" or "json_schema", received "xml"` for the tag at fault. */
function unknownTag(input: unknown, tag: string, options: readonly unknown[]): string {
  const value =
    input !== null && typeof input === 'object'
      ? (input as Record<string, unknown>)[tag]
      : undefined;
  if (value === undefined) return IS_REQUIRED;
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

/**
 * `schema.safeParse(value)`, its issues worded by {@link issueMessages}. The map is given only to
 * a second parse of a value that failed: a parse given any parameters takes zod's slower path
 * (8–9 µs against 3–5 for a chat request on Node 20), and every request is parsed once or twice.
 */
export function safeParseForClient<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success ? result : schema.safeParse(value, { error: issueMessages });
}
