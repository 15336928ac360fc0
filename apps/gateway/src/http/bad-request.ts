import { SwitchyardError } from '@switchyard/contracts';
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
  return new SwitchyardError('bad_request', param === '' ? message : `${param}: ${message}`, {
    details: param === '' ? {} : { param },
  });
}

/** Parses `body` with `schema` or throws the `bad_request` for its first problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SwitchyardError('bad_request', 'the request body must be a JSON object');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequestFrom(parsed.error);
  return parsed.data;
}

export function unsupported(message: string, param: string): SwitchyardError {
  return new SwitchyardError('bad_request', message, { details: { param } });
}
