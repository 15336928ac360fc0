import { BACKEND_KINDS, type BackendKind } from '@switchyard/contracts';

/** One model to try: its name as the workers know it, optionally pinned to a backend kind. */
export interface ModelTarget {
  model: string;
  kind?: BackendKind | undefined;
}

export interface RoutingTable {
  aliases: Readonly<Record<string, string>>;
  fallbacks: Readonly<Record<string, readonly string[]>>;
}

/**
 * A client's model name as a target: an alias is replaced by its model (one level; aliases do not
 * chain, so a cycle cannot loop), then a leading `ollama/`, `lmstudio/` or `vllm/` pins the kind.
 */
export function resolveTarget(name: string, table: RoutingTable): ModelTarget {
  const resolved = Object.hasOwn(table.aliases, name) ? (table.aliases[name] as string) : name;
  const slash = resolved.indexOf('/');
  if (slash > 0) {
    const prefix = resolved.slice(0, slash);
    const rest = resolved.slice(slash + 1);
    if ((BACKEND_KINDS as readonly string[]).includes(prefix) && rest.length > 0) {
      return { model: rest, kind: prefix as BackendKind };
    }
  }
  return { model: resolved };
}

/**
 * Every target to try for a client's model name, in order: the model itself, then its fallback
 * chain (looked up under the name the client used, then under the resolved name). Duplicates are
 * dropped so a chain that names its own head is tried once.
 */
export function routeCandidates(name: string, table: RoutingTable): ModelTarget[] {
  const first = resolveTarget(name, table);
  const chain = Object.hasOwn(table.fallbacks, name)
    ? table.fallbacks[name]
    : Object.hasOwn(table.fallbacks, first.model)
      ? table.fallbacks[first.model]
      : undefined;
  const targets = [first, ...(chain ?? []).map((entry) => resolveTarget(entry, table))];
  const seen = new Set<string>();
  return targets.filter((target) => {
    const key = `${target.kind ?? ''}\u0000${target.model}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
