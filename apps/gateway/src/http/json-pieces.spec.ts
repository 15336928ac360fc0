import { describe, expect, it } from '@jest/globals';
import { jsonPieces, mapped, type ListBody } from './json-pieces.js';

const whole = (body: ListBody) =>
  JSON.stringify(Object.assign({}, body.before, { [body.field]: [...body.items] }, body.after));

describe('jsonPieces', () => {
  it.each<[string, ListBody]>([
    [
      'fields on both sides',
      { before: { object: 'list' }, field: 'data', items: [{ a: 1 }, [2, 3]], after: { n: 'x' } },
    ],
    ['nothing around the list', { before: {}, field: 'embeddings', items: [[0.5]], after: {} }],
    ['an empty list', { before: { model: 'm' }, field: 'embeddings', items: [], after: {} }],
    [
      'names that need escaping',
      { before: { 'a"b': '\u2028' }, field: 'li\nst', items: ['"'], after: { z: null } },
    ],
  ])('joins to the whole object as JSON.stringify writes it: %s', (_name, body) => {
    const pieces = [...jsonPieces(body)];
    expect(pieces.join('')).toBe(whole(body));
  });

  it('makes each item only when its piece is read', () => {
    const made: number[] = [];
    const items = mapped([1, 2, 3], (n) => {
      made.push(n);
      return [n];
    });
    const pieces = jsonPieces({ before: {}, field: 'v', items, after: {} });
    pieces.next();
    expect(made).toEqual([]);
    pieces.next();
    expect(made).toEqual([1]);
    expect([...pieces].join('')).toBe(',[2],[3]]}');
  });
});
