/**
 * The object without its `undefined` values, which must not travel as explicit fields. A plain
 * loop: this runs several times on every request, and `Object.entries`/`fromEntries` allocate
 * an array per field.
 */
export function defined<T extends Record<string, unknown>>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) result[key] = field;
  }
  return result as T;
}
