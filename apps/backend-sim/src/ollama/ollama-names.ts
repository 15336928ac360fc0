/** `llama3.2` → `llama3.2:latest`; names that carry a tag are kept as given. */
export function ollamaCanonicalName(name: string): string {
  const trimmed = name.trim();
  const colon = trimmed.lastIndexOf(':');
  return colon > trimmed.lastIndexOf('/') ? trimmed : `${trimmed}:latest`;
}

/** The namespace Ollama reports as `owned_by` on `/v1/models` (`library` unless given). */
export function ollamaNamespace(name: string): string {
  const parts = name.split(':')[0]?.split('/') ?? [];
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : 'library';
}

/** The family of a model as `/api/tags` details report it. */
export function ollamaFamily(name: string): string {
  if (/nomic/i.test(name)) return 'nomic-bert';
  if (/minilm|bge|embed|e5-/i.test(name)) return 'bert';
  const base = (name.split('/').pop() ?? name).split(':')[0] ?? name;
  return /^[a-z]+/i.exec(base)?.[0]?.toLowerCase() ?? 'llama';
}

/** `:7b` → `7B`, `:135m` → `135M`; otherwise a plausible size. */
export function ollamaParameterSize(name: string): string {
  const tag = name.split(':').pop() ?? '';
  const sized = /(\d+(?:\.\d+)?)([bm])/i.exec(tag);
  if (sized) return `${sized[1]}${(sized[2] as string).toUpperCase()}`;
  return /minilm|embed|bge|e5-/i.test(name) ? '23M' : '3.2B';
}
