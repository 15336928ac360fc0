import type { GenerationPlan } from '../core/generator.js';
import { MAX_TOP_LOGPROBS, type TokenLogprob } from '../core/logprobs.js';
import type { SimHttpError } from '../core/sim-errors.js';
import { nativeError } from './ollama-errors.js';

type Shape = (status: number, message: string) => SimHttpError;

/**
 * `logprobs` (bool) and `top_logprobs` (int 0–20) of a chat or generate request, native or
 * `/v1` chat: the number of alternatives to plan when `logprobs` is true, undefined otherwise.
 * `top_logprobs` is range-checked even without `logprobs`, as Ollama checks it before anything
 * else; a wrong JSON type is Go's decoding error. `struct` names the Go request type in it.
 */
export function readOllamaLogprobs(
  body: Record<string, unknown>,
  struct: string,
  shape: Shape = nativeError,
): number | undefined {
  const { logprobs, top_logprobs: top } = body;
  if (logprobs !== undefined && logprobs !== null && typeof logprobs !== 'boolean') {
    throw shape(400, unmarshalError(logprobs, `${struct}.logprobs`, 'bool'));
  }
  if (top !== undefined && top !== null && !Number.isInteger(top)) {
    throw shape(400, unmarshalError(top, `${struct}.top_logprobs`, 'int'));
  }
  const count = typeof top === 'number' ? top : 0;
  if (count < 0 || count > MAX_TOP_LOGPROBS) {
    throw shape(400, `top_logprobs must be between 0 and ${MAX_TOP_LOGPROBS}`);
  }
  return logprobs === true ? count : undefined;
}

/** Ollama's `api.Logprob`: `top_logprobs` is `omitempty`, so absent when none were asked for. */
export function ollamaLogprob(entry: TokenLogprob): Record<string, unknown> {
  const { top_logprobs: top, ...token } = entry;
  return top.length > 0 ? { ...token, top_logprobs: top } : token;
}

/**
 * The `logprobs` of the answer piece a streamed step carries (the step's index among the
 * answer pieces), or of the whole answer; `{}` when there are none, as Go omits an empty slice.
 */
export function ollamaLogprobsField(
  plan: GenerationPlan,
  piece?: number,
): { logprobs?: Record<string, unknown>[] } {
  const entries = piece === undefined ? plan.logprobs : plan.logprobs?.slice(piece, piece + 1);
  return entries && entries.length > 0 ? { logprobs: entries.map(ollamaLogprob) } : {};
}

function unmarshalError(value: unknown, field: string, type: string): string {
  const kind =
    typeof value === 'number'
      ? `number ${value}`
      : typeof value === 'boolean'
        ? 'bool'
        : typeof value === 'string'
          ? 'string'
          : Array.isArray(value)
            ? 'array'
            : 'object';
  return `json: cannot unmarshal ${kind} into Go struct field ${field} of type ${type}`;
}
