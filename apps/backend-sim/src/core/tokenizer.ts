import { fnv1a } from './hashing.js';
import { VOCABULARY } from './vocabulary.js';

// A piece is a run of letters/digits or one other visible character, each with the whitespace
// before it; a trailing whitespace run is a piece of its own. Pieces concatenate back to the
// exact input, so the tokenizer is lossless, and each vocabulary word (with or without its
// leading space) is exactly one piece.
const PIECE = /\s*(?:[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_])|\s+/gu;

/** Ids below this are the vocabulary words (without and with a leading space). */
const VOCABULARY_IDS = VOCABULARY.length * 2;
/** Other pieces hash into this many ids above the vocabulary. */
const HASHED_ID_RANGE = 100_000;
/** Every id the tokenizer can produce: the size of the simulated models' vocabulary. */
export const TOKEN_ID_COUNT = VOCABULARY_IDS + HASHED_ID_RANGE;

const vocabularyIds = new Map<string, number>();
VOCABULARY.forEach((word, index) => {
  vocabularyIds.set(word, index * 2);
  vocabularyIds.set(` ${word}`, index * 2 + 1);
});

/** Splits text into the simulator's tokens. `''` has none. */
export function splitPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/** The number of tokens in `text`: what prompt_tokens / prompt_eval_count report. */
export function countTokens(text: string): number {
  let count = 0;
  PIECE.lastIndex = 0;
  while (PIECE.exec(text) !== null) count++;
  return count;
}

/** The id of one piece: vocabulary words have fixed small ids, anything else a stable hash. */
export function pieceId(piece: string): number {
  return vocabularyIds.get(piece) ?? VOCABULARY_IDS + (fnv1a(piece) % HASHED_ID_RANGE);
}

/**
 * Token ids for text, and back. Ids of vocabulary words decode anywhere; hashed ids decode only
 * in the tokenizer instance that produced them (it remembers what it has seen), which is all
 * vLLM's /tokenize → /detokenize round trip needs.
 */
export class SimTokenizer {
  private readonly seen = new Map<number, string>();
  private static readonly MAX_REMEMBERED = 50_000;

  encode(text: string): number[] {
    return splitPieces(text).map((piece) => {
      const id = pieceId(piece);
      if (id >= VOCABULARY_IDS && this.seen.size < SimTokenizer.MAX_REMEMBERED) {
        this.seen.set(id, piece);
      }
      return id;
    });
  }

  decode(ids: readonly number[]): string {
    let text = '';
    for (const id of ids) {
      if (id < VOCABULARY_IDS) {
        const word = VOCABULARY[id >> 1];
        if (word !== undefined) text += id % 2 === 1 ? ` ${word}` : word;
      } else {
        text += this.seen.get(id) ?? '';
      }
    }
    return text;
  }
}
