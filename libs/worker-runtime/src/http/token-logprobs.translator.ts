import { isRecord, type GeneratedTokenLogprob, type TokenLogprob } from '@switchyard/contracts';

/**
 * A request's `logprobs` as Ollama and OpenAI-style chats both ask for them: a switch, and the
 * alternatives per position apart (`top_logprobs`); nothing when it asks for none.
 */
export function logprobsRequestFields(
  logprobs: number | undefined,
): { logprobs: true; top_logprobs: number } | Record<string, never> {
  return logprobs === undefined ? {} : { logprobs: true, top_logprobs: logprobs };
}

/**
 * A backend's per-token log-probabilities in the `[{token, logprob, bytes?, top_logprobs?}]`
 * shape Ollama and OpenAI-style chats share, as canonical entries; `undefined` when it sent none.
 * `top` limits the alternatives at each position (a server may add the chosen token to the ones
 * asked for). An entry without a string token and a numeric log-probability is malformed: the
 * whole list is then dropped, since skipping one entry would pair the rest with the wrong tokens.
 */
export function tokenLogprobEntries(
  raw: unknown,
  top?: number,
): GeneratedTokenLogprob[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const entries: GeneratedTokenLogprob[] = [];
  for (const item of raw) {
    const entry: GeneratedTokenLogprob | undefined = tokenLogprob(item);
    if (entry === undefined) return undefined;
    const alternatives = isRecord(item) ? item['top_logprobs'] : undefined;
    if (Array.isArray(alternatives)) {
      const read = alternatives.map(tokenLogprob);
      const valid = read.filter((alt): alt is TokenLogprob => alt !== undefined);
      entry.top_logprobs = top === undefined ? valid : valid.slice(0, top);
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * The log-probabilities of an OpenAI-style completion (`{tokens, token_logprobs, top_logprobs:
 * [{token: logprob}], text_offset}`) as canonical entries; `undefined` when it sent none. Each
 * position's alternatives are a dict, so they are sorted by log-probability, most likely first,
 * and limited to `top`. An echoed prompt's first token has a null log-probability (and no
 * alternatives), as vLLM gives it; a null anywhere else is malformed.
 */
export function completionLogprobEntries(
  raw: unknown,
  top?: number,
): GeneratedTokenLogprob[] | undefined {
  if (!isRecord(raw)) return undefined;
  const tokens = raw['tokens'];
  const logprobs = raw['token_logprobs'];
  const alternatives = raw['top_logprobs'];
  if (!Array.isArray(tokens) || !Array.isArray(logprobs) || tokens.length === 0) {
    return undefined;
  }
  const entries: GeneratedTokenLogprob[] = [];
  for (const [index, token] of tokens.entries()) {
    const logprob: unknown = logprobs[index];
    // Only an echoed prompt's first token goes without one.
    const missing = logprob === null && index === 0;
    if (typeof token !== 'string' || (typeof logprob !== 'number' && !missing)) return undefined;
    const entry: GeneratedTokenLogprob = { token, logprob };
    const dict: unknown = Array.isArray(alternatives) ? alternatives[index] : undefined;
    if (isRecord(dict)) {
      const sorted = Object.entries(dict)
        .filter((pair): pair is [string, number] => typeof pair[1] === 'number')
        .map(([alt, altLogprob]) => ({ token: alt, logprob: altLogprob }))
        .sort((a, b) => b.logprob - a.logprob);
      entry.top_logprobs = top === undefined ? sorted : sorted.slice(0, top);
    }
    entries.push(entry);
  }
  return entries;
}

function tokenLogprob(raw: unknown): TokenLogprob | undefined {
  if (!isRecord(raw)) return undefined;
  const { token, logprob, bytes } = raw;
  if (typeof token !== 'string' || typeof logprob !== 'number') return undefined;
  const entry: TokenLogprob = { token, logprob };
  if (Array.isArray(bytes) && bytes.every(isByte)) entry.bytes = bytes;
  return entry;
}

function isByte(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 255;
}
