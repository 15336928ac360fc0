import type { GenerationPlan } from '../core/generator.js';
import { MAX_TOP_LOGPROBS, type TokenLogprob } from '../core/logprobs.js';
import { TOKEN_ID_COUNT } from '../core/tokenizer.js';
import { readMaxTokens } from '../openai/openai-request.js';
import { badRequest, validationError } from './vllm-errors.js';

/**
 * Chat `logprobs` (bool) and `top_logprobs` (int): the alternatives to plan when `logprobs` is
 * true, undefined otherwise. vLLM's request check refuses `top_logprobs` without `logprobs`, and
 * its engine refuses more than `max_logprobs` (20 by default; -1 means the whole vocabulary).
 */
export function readVllmChatLogprobs(body: Record<string, unknown>): number | undefined {
  const { logprobs } = body;
  if (logprobs !== undefined && logprobs !== null && typeof logprobs !== 'boolean') {
    throw validationError('logprobs', 'Input should be a valid boolean');
  }
  const top =
    readMaxTokens(body.top_logprobs, (m) => validationError('top_logprobs', m), 'top_logprobs') ??
    0;
  checkCount(top, 'top_logprobs');
  if (top !== 0 && logprobs !== true) {
    throw validationFailure(
      'when using `top_logprobs`, `logprobs` must be set to true.',
      'top_logprobs',
    );
  }
  if (logprobs !== true) return undefined;
  checkMaximum(top);
  return top;
}

/** Completion `logprobs` (int): the alternatives to plan, undefined when absent. */
export function readVllmCompletionLogprobs(body: Record<string, unknown>): number | undefined {
  const count = readMaxTokens(body.logprobs, (m) => validationError('logprobs', m), 'logprobs');
  if (count === undefined) return undefined;
  checkCount(count, 'logprobs');
  checkMaximum(count);
  return count;
}

/**
 * A chat choice's `logprobs`: `{"content": [...]}` with the entries of the answer pieces in
 * `[from, to)`, each `top_logprobs` always an array; null when the request asked for none.
 */
export function vllmChatLogprobs(plan: GenerationPlan, from = 0, to?: number) {
  return plan.logprobs ? { content: plan.logprobs.slice(from, to) } : null;
}

/**
 * A completion choice's `logprobs` for the answer pieces in `[from, to)`: parallel lists, with
 * `text_offset` counted in characters from the start of the choice's text, and per position a
 * `{token: logprob}` map of the sampled token and the `top` most likely ones. The sampled token
 * is the most likely, so the map holds `top` tokens, or the sampled one alone. With `echo`, the
 * choice's text starts with the prompt: `withPrompt` (its first chunk, or the whole answer) puts
 * the prompt's tokens first, the first with a null log-probability and null alternatives, as
 * vLLM gives them. Null when the request asked for none.
 */
export function vllmCompletionLogprobs(
  plan: GenerationPlan,
  top: number,
  from = 0,
  to?: number,
  withPrompt = from === 0 && to === undefined,
) {
  if (!plan.logprobs) return null;
  const echoed = plan.echoed;
  const prompt = echoed === undefined ? '' : echoed.pieces.join('');
  let offset = characters(prompt);
  for (const piece of plan.pieces.slice(0, from)) offset += characters(piece);
  const out = {
    text_offset: [] as number[],
    token_logprobs: [] as (number | null)[],
    tokens: [] as string[],
    top_logprobs: [] as (Record<string, number> | null)[],
  };
  if (echoed !== undefined && withPrompt) {
    let at = 0;
    echoed.pieces.forEach((token, position) => {
      const entry = position === 0 ? undefined : echoed.logprobs[position - 1];
      out.text_offset.push(at);
      out.token_logprobs.push(entry?.logprob ?? null);
      out.tokens.push(token);
      out.top_logprobs.push(entry === undefined ? null : topMap(entry, top));
      at += characters(token);
    });
  }
  for (const entry of plan.logprobs.slice(from, to)) {
    out.text_offset.push(offset);
    out.token_logprobs.push(entry.logprob);
    out.tokens.push(entry.token);
    out.top_logprobs.push(topMap(entry, top));
    offset += characters(entry.token);
  }
  return out;
}

function topMap(entry: TokenLogprob, top: number): Record<string, number> {
  const candidates = top > 0 ? entry.top_logprobs : [entry];
  return Object.fromEntries(candidates.map((candidate) => [candidate.token, candidate.logprob]));
}

/** Python's `len`: code points, not UTF-16 units. */
const characters = (text: string): number => [...text].length;

function checkCount(count: number, field: string): void {
  if (count < -1) {
    throw validationFailure(`\`${field}\` must be a positive value or -1.`, field, count);
  }
}

function checkMaximum(count: number): void {
  const requested = count === -1 ? TOKEN_ID_COUNT : count;
  if (requested > MAX_TOP_LOGPROBS) {
    throw validationFailure(
      `Requested sample logprobs of ${requested}, which is greater than max allowed: ${MAX_TOP_LOGPROBS}`,
      'logprobs',
      requested,
    );
  }
}

/** A `VLLMValidationError` as vLLM answers it: its text names the parameter (and value). */
function validationFailure(message: string, parameter: string, value?: number) {
  const extras =
    value === undefined ? `parameter=${parameter}` : `parameter=${parameter}, value=${value}`;
  return badRequest(`${message} (${extras})`, parameter);
}
