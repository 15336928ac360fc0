import type { DeltaFrame, GeneratedTokenLogprob, TokenLogprob } from '@switchyard/contracts';

const utf8 = new TextEncoder();

/** A chat's `logprobs`: one entry per token, alternatives as asked (none when 0 was asked). */
export interface ChatLogprobs {
  content: (ChatTokenLogprob & { top_logprobs: ChatTokenLogprob[] })[];
  refusal: null;
}

/** A token as OpenAI and Ollama both give it: always with its UTF-8 `bytes`. */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

/** The entries as OpenAI's chat `logprobs`. */
export function chatLogprobs(entries: readonly GeneratedTokenLogprob[]): ChatLogprobs {
  return {
    content: entries.map((entry) =>
      Object.assign({}, withBytes(entry), {
        top_logprobs: (entry.top_logprobs ?? []).map(withBytes),
      }),
    ),
    refusal: null,
  };
}

/**
 * What a chat's or Ollama's entry says for a token without a log-probability (vLLM's stand-in
 * for one it cannot give). Only an echoed prompt's first token has none, and only completions
 * echo, so no chat entry should need it; it keeps those APIs' numbers numbers all the same.
 */
const NO_LOGPROB = -9999;

/**
 * The token with its UTF-8 `bytes`, computed where the backend gave none: OpenAI and Ollama
 * always send them (clients join them to rebuild characters split across tokens).
 */
export function withBytes({
  token,
  logprob,
  bytes,
}: TokenLogprob | GeneratedTokenLogprob): ChatTokenLogprob {
  return { token, logprob: logprob ?? NO_LOGPROB, bytes: bytes ?? [...utf8.encode(token)] };
}

/** The legacy completions API's `logprobs`: the same positions, column by column. */
export interface CompletionLogprobs {
  tokens: string[];
  /** Null for an echoed prompt's first token, as OpenAI and vLLM give it. */
  token_logprobs: (number | null)[];
  /** Per position, the chosen token and its alternatives, as `{token: logprob}`; null likewise. */
  top_logprobs: (Record<string, number> | null)[];
  /** Where each token starts in the completion's text. */
  text_offset: number[];
}

/**
 * The deltas' entries as the legacy API's `logprobs`, `text_offset` counted from `offset` (the
 * length of the text before these deltas). The chosen token is always among its position's
 * `top_logprobs`, as OpenAI gives it ("up to logprobs+1 elements").
 */
export function completionLogprobs(
  deltas: readonly DeltaFrame[],
  offset: number,
): CompletionLogprobs {
  const out: CompletionLogprobs = {
    tokens: [],
    token_logprobs: [],
    top_logprobs: [],
    text_offset: [],
  };
  let start = offset;
  for (const frame of deltas) {
    let at = start;
    for (const { token, logprob, top_logprobs } of frame.logprobs ?? []) {
      out.tokens.push(token);
      out.token_logprobs.push(logprob);
      // fromEntries defines each key, so a token such as `__proto__` is a key like any other.
      const alternatives = (top_logprobs ?? []).map((top) => [top.token, top.logprob] as const);
      out.top_logprobs.push(
        logprob === null ? null : Object.fromEntries([[token, logprob], ...alternatives]),
      );
      out.text_offset.push(at);
      at += textLength(token);
    }
    start += textLength(frame.text ?? '');
  }
  return out;
}

/**
 * A text's length as `text_offset` counts it: in characters (code points), as OpenAI's and
 * vLLM's Python count them, not UTF-16 units.
 */
export function textLength(text: string): number {
  return [...text].length;
}
