// Small, fast, dependency-free hashing and a seeded PRNG. Everything the simulator "invents"
// (answer words, tool arguments, embeddings, ids) is drawn from these, so the same seed and the
// same request always give the same bytes, on every machine and in every test.

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a tiny PRNG with good enough spread for picking words; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PRNG whose stream depends on every part given; parts are separated so ('ab','c') ≠ ('a','bc'). */
export function seededRandom(...parts: ReadonlyArray<string | number>): () => number {
  return mulberry32(fnv1a(parts.join('\u0000')));
}

/** A deterministic lowercase base-36 string of `length` characters derived from the parts. */
export function deterministicId(length: number, ...parts: ReadonlyArray<string | number>): string {
  const random = seededRandom(...parts);
  let id = '';
  while (id.length < length) id += Math.floor(random() * 36).toString(36);
  return id;
}

/** A deterministic lowercase hex string of `length` characters derived from the parts. */
export function deterministicHex(length: number, ...parts: ReadonlyArray<string | number>): string {
  const random = seededRandom(...parts);
  let id = '';
  while (id.length < length) id += Math.floor(random() * 16).toString(16);
  return id;
}
