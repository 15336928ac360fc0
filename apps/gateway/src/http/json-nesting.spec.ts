import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nestingExceeds } from './json-nesting.js';

/** How many arrays and objects a parsed value opens inside one another. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

// Strings rich in what the scan must see through: quotes, backslashes and brackets.
const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', ' ', 'é') });

describe('nestingExceeds', () => {
  it('agrees with the depth of the parsed value, whatever the strings hold', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' }),
        fc.integer({ min: 0, max: 7 }),
        fc.boolean(),
        (value, limit, indented) => {
          const text = JSON.stringify(value, null, indented ? 2 : undefined);
          expect(nestingExceeds(text, limit)).toBe(depthOf(value) > limit);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('counts no bracket inside a string, escaped quotes and backslashes included', () => {
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 6 }), (strings) => {
        // Two levels: the outer array, and in it an array and an object of those strings.
        const joined = strings.join('');
        const text = JSON.stringify([strings, { [joined]: joined }]);
        expect(nestingExceeds(text, 2)).toBe(false);
        expect(nestingExceeds(text, 1)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads a string ending in an escaped backslash as ended', () => {
    // The value is the string `\`: its closing quote follows an even run of backslashes.
    expect(nestingExceeds('[["\\\\"],[[1]]]', 2)).toBe(true);
    expect(nestingExceeds('[["\\\\"],[[1]]]', 3)).toBe(false);
    // `\"` does not close it: the brackets after it are inside the string.
    expect(nestingExceeds('["\\"[[[[", 1]', 1)).toBe(false);
  });

  it('stops at the end of text whose last string is never closed', () => {
    expect(nestingExceeds('[["abc', 1)).toBe(true);
    expect(nestingExceeds('["[[[[', 1)).toBe(false);
  });

  it('stops reading at the first level past the limit', () => {
    expect(nestingExceeds(`${'['.repeat(129)}${'x'.repeat(10)}`, 128)).toBe(true);
    expect(nestingExceeds(`${'['.repeat(128)}${']'.repeat(128)}`, 128)).toBe(false);
  });
});
