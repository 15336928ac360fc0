/**
 * A JSON object one of whose fields is a list too large to build as text whole: thousands of
 * embedding vectors, where a 2,048 × 1,536 float answer is some 65 MB of JSON on top of the
 * numbers it is made from. The fields before the list, its items (made one at a time, as they are
 * written), and the fields after it.
 */
export interface ListBody {
  before: Record<string, unknown>;
  field: string;
  items: Iterable<unknown>;
  after: Record<string, unknown>;
}

/**
 * `body` as JSON text, in pieces: the list an item at a time, so no more than one item's text is
 * made at once. Joined, the pieces are `JSON.stringify` of the whole object, fields in order.
 */
export function* jsonPieces(body: ListBody): Generator<string> {
  const before = JSON.stringify(body.before);
  const open = `${JSON.stringify(body.field)}:[`;
  yield before === '{}' ? `{${open}` : `${before.slice(0, -1)},${open}`;
  let first = true;
  for (const item of body.items) {
    yield first ? JSON.stringify(item) : `,${JSON.stringify(item)}`;
    first = false;
  }
  const after = JSON.stringify(body.after);
  yield after === '{}' ? ']}' : `],${after.slice(1)}`;
}

/** `items` mapped one at a time, as they are read. */
export function* mapped<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}
