import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { countTokens, SimTokenizer, splitPieces } from './tokenizer.js';
import { VOCABULARY } from './vocabulary.js';

describe('the simulator tokenizer', () => {
  it('is lossless: pieces concatenate back to any text, and the count matches', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const pieces = splitPieces(text);
        expect(pieces.join('')).toBe(text);
        expect(countTokens(text)).toBe(pieces.length);
      }),
    );
  });

  it('makes each vocabulary word, with or without its space, exactly one token', () => {
    for (const word of VOCABULARY) {
      expect(splitPieces(word)).toEqual([word]);
      expect(splitPieces(` ${word}`)).toEqual([` ${word}`]);
    }
    expect(splitPieces('Hello, world!')).toEqual(['Hello', ',', ' world', '!']);
  });

  it('decodes what it encoded', () => {
    const tokenizer = new SimTokenizer();
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
      }),
    );
    const ids = tokenizer.encode('amber river');
    expect(new SimTokenizer().decode(ids)).toBe('amber river');
  });
});
