import { nkeys } from '@nats-io/transport-node';

/**
 * Why `seed` is not an nkey seed, in words that never quote it (it is a secret); `undefined` when
 * it is one. Checked where the configuration is read, so that a bad seed is a configuration error
 * rather than a connection that fails as if no server ran.
 */
export function nkeySeedProblem(seed: string): string | undefined {
  try {
    nkeys.fromSeed(nkeySeedBytes(seed));
    return undefined;
  } catch (error) {
    return `is not a valid nkey seed (a user's starts with "SU"): ${(error as Error).message}`;
  }
}

/** The seed as nats.js takes it: its bytes, without the blanks a copy and paste adds. */
export function nkeySeedBytes(seed: string): Uint8Array {
  return new TextEncoder().encode(seed.trim());
}
