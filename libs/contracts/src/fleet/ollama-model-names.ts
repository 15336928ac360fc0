/**
 * A model name as Ollama reads it: with no tag (after any `namespace/` or `registry:port/`), it
 * means `:latest`, so `llama3.2` and `llama3.2:latest` are one model on an Ollama backend.
 */
export function ollamaTagged(name: string): string {
  const tail = name.slice(name.lastIndexOf('/') + 1);
  return tail.includes(':') ? name : `${name}:latest`;
}
