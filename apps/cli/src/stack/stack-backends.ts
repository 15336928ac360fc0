import { overrideVariable, type BackendKind } from '@switchyard/contracts';

/** A backend `up` adds to the configured ones: a simulator, or a server on a well-known port. */
export interface AddedBackend {
  id: string;
  kind: BackendKind;
  url: string;
}

/** The variable that sets the whole `backends` list (`SWITCHYARD_BACKENDS__<N>` sets one). */
const BACKENDS_ENV = overrideVariable('backends');

/**
 * The environment that tells the services `up` runs about the backends it added. The services
 * read the same file and `SWITCHYARD_*` variables as `up`, so the configured backends reach them
 * whole (mode, command, models, limits, api_key); these variables only add entries after the
 * `configured` ones and never replace the list:
 *
 * - nothing configured: the list is `up`'s alone, one `SWITCHYARD_BACKENDS` array;
 * - the person set `SWITCHYARD_BACKENDS` themselves: the additions go into that same value, so
 *   the result does not depend on the order in which a service reads its variables;
 * - otherwise one `SWITCHYARD_BACKENDS__<index>` per addition, each an element after the file's.
 */
export function addedBackendsEnv(
  configured: number,
  added: readonly AddedBackend[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  if (added.length === 0) return {};
  const entries = added.map(({ id, kind, url }) => ({ id, kind, url }));
  if (configured === 0) return { [BACKENDS_ENV]: JSON.stringify(entries) };
  const own = parseJson(env[BACKENDS_ENV]);
  if (Array.isArray(own)) return { [BACKENDS_ENV]: JSON.stringify([...own, ...entries]) };
  const byIndex = entries.map((entry, i) => [String(configured + i), entry] as const);
  if (typeof own === 'object' && own !== null) {
    return { [BACKENDS_ENV]: JSON.stringify({ ...own, ...Object.fromEntries(byIndex) }) };
  }
  return Object.fromEntries(
    byIndex.map(([index, entry]) => [overrideVariable('backends', index), JSON.stringify(entry)]),
  );
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
