import { seededRandom } from './hashing.js';
import { VOCABULARY } from './vocabulary.js';

/** The most alternatives a request may ask for per position, as on Ollama and vLLM (`max_logprobs`). */
export const MAX_TOP_LOGPROBS = 20;

/** One candidate token at a position: its text, log-probability and UTF-8 bytes. */
export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

/** The log-probability of one answer token, and the most likely tokens at its position. */
export interface TokenLogprob extends TopLogprob {
  /**
   * As many candidates as asked for, most likely first. The answer token is always the most
   * likely one, so `top_logprobs[0]` is the token itself (when at least one was asked for).
   */
  top_logprobs: TopLogprob[];
}

/**
 * Log-probabilities for answer tokens: entry `i` belongs to `pieces[i]`. A position's numbers
 * depend on (seed, model, prompt, position) only, so a longer or shorter answer to the same
 * request shares them, and asking for more alternatives only appends to the list.
 *
 * The chosen token takes probability 0.5–0.98; 90% of the rest falls geometrically over the
 * alternatives (vocabulary words with the chosen token's leading whitespace) and the remainder
 * is the long tail, so every alternative is less likely than the chosen token, each less likely
 * than the one before, and the probabilities listed sum below 1.
 */
export function planLogprobs(
  pieces: readonly string[],
  top: number,
  ...seedParts: ReadonlyArray<string | number>
): TokenLogprob[] {
  return pieces.map((token, position) => {
    const random = seededRandom(...seedParts, 'logprobs', position);
    const chosen = 0.5 + random() * 0.48;
    const ratio = 0.3 + random() * 0.4;
    const logprob = rounded(Math.log(chosen));
    const candidates: TopLogprob[] = [];
    if (top > 0) candidates.push(entry(token, logprob));
    const whitespace = /^\s*/.exec(token)?.[0] ?? '';
    const words = shuffled(random);
    let mass = 0.9 * (1 - chosen) * (1 - ratio);
    for (const word of words) {
      if (candidates.length >= top) break;
      const alternative = whitespace + word;
      if (alternative === token) continue;
      candidates.push(entry(alternative, rounded(Math.log(mass))));
      mass *= ratio;
    }
    return { ...entry(token, logprob), top_logprobs: candidates };
  });
}

function entry(token: string, logprob: number): TopLogprob {
  return { token, logprob, bytes: [...Buffer.from(token, 'utf8')] };
}

/** The vocabulary in an order drawn from `random` (Fisher–Yates). */
function shuffled(random: () => number): string[] {
  const words = [...VOCABULARY];
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [words[i], words[j]] = [words[j] as string, words[i] as string];
  }
  return words;
}

// Six decimals keep the bodies short; consecutive candidates differ by at least ln(1/0.7), so
// rounding never makes two of them equal.
const rounded = (value: number): number => Math.round(value * 1e6) / 1e6;
