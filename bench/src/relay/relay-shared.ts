// What the relay's two halves share: how they read their command line, how long they wait, and
// where streamed answers are asked for.

/** `--name value` pairs of a relay process's command line; throws naming a missing one. */
export function relayArgs<const K extends string>(
  argv: readonly string[],
  names: readonly K[],
): Record<K, string> {
  const values: Partial<Record<K, string>> = {};
  for (const name of names) {
    const at = argv.indexOf(`--${name}`);
    const value = at >= 0 ? argv[at + 1] : undefined;
    if (value === undefined || value === '') throw new Error(`relay: --${name} is required`);
    values[name] = value;
  }
  return values as Record<K, string>;
}

/** How long either half of the relay waits for the other, or for the backend. */
export const RELAY_TIMEOUT_MS = 30_000;

/** Where the relay's streamed answers are asked for: beside its subject for whole ones. */
export const streamSubject = (subject: string): string => `${subject}.stream`;
