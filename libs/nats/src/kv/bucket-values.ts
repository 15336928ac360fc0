import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { bucketKeys } from './bucket-keys.js';

/** Turns a value's JSON into what the reader wants, or `undefined` for a value it refuses. */
export type ValueParser<T> = (json: unknown) => T | undefined;

/**
 * The live values of a KV bucket that `parse` accepts, in key order: the keys from
 * {@link bucketKeys} (the first `maxKeys` of them), their values read together. Keys deleted or
 * expired since the listing, values that are not JSON and values `parse` refuses (another
 * version's writers) are skipped, so one bad entry never hides the others.
 */
export async function bucketValues<T>(
  nc: NatsConnection,
  kv: KV,
  bucket: string,
  parse: ValueParser<T>,
  maxKeys = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const keys = (await bucketKeys(nc, bucket)).sort().slice(0, maxKeys);
  const entries = await Promise.all(keys.map((key) => kv.get(key)));
  const values: T[] = [];
  for (const entry of entries) {
    const value = liveValue(entry, parse);
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** A KV entry's value, if the entry is a live one (not a delete) whose JSON `parse` accepts. */
export function liveValue<T>(entry: KvEntry | null, parse: ValueParser<T>): T | undefined {
  if (entry === null || entry.operation !== 'PUT') return undefined;
  try {
    return parse(entry.json());
  } catch {
    return undefined;
  }
}
