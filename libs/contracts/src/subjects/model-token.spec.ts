import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeModelToken, encodeModelToken, isModelToken } from './model-token.js';

// Every kind of JavaScript string: any UTF-16 code unit, lone surrogates and control characters included.
const anyString = fc.string({ unit: 'binary', maxLength: 64 });
const forbidden = /[.*>\s]/u;

describe('model token encoding', () => {
  it('round-trips every string', () => {
    fc.assert(
      fc.property(anyString, (name) => {
        expect(decodeModelToken(encodeModelToken(name))).toBe(name);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never produces ".", "*", ">" or white space, nor an empty token', () => {
    fc.assert(
      fc.property(anyString, (name) => {
        const token = encodeModelToken(name);
        expect(token).not.toMatch(forbidden);
        expect(token.length).toBeGreaterThan(0);
      }),
      { numRuns: 5_000 },
    );
  });

  it('gives distinct names distinct tokens', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        fc.pre(a !== b);
        expect(encodeModelToken(a)).not.toBe(encodeModelToken(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps plain names readable and escapes the rest', () => {
    expect(encodeModelToken('llama3')).toBe('llama3');
    expect(encodeModelToken('llama3.2:latest')).toBe('llama3_2E2_3Alatest');
    expect(encodeModelToken('qwen/qwen3-4b')).toBe('qwen_2Fqwen3-4b');
    expect(encodeModelToken('a_b')).toBe('a_5Fb');
    expect(encodeModelToken('*')).toBe('_2A');
    expect(encodeModelToken('>')).toBe('_3E');
    expect(encodeModelToken('café')).toBe('caf_u00E9');
    expect(encodeModelToken('')).toBe('_');
  });

  it('rejects tokens the encoder cannot produce, so decoding is one-to-one', () => {
    for (const token of [
      '',
      'a.b',
      'a_2e',
      'a_41',
      'a_u0041',
      'a_',
      'a_2',
      'a_uZZZZ',
      'a b',
      '*',
      '>',
    ]) {
      expect(() => decodeModelToken(token)).toThrow(RangeError);
      expect(isModelToken(token)).toBe(false);
    }
  });
});
