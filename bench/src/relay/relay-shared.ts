// What the relay's two halves share: how they read their command line, how long they wait,
// where streamed answers are asked for, and how they mark their steps.
import { channel } from 'node:diagnostics_channel';

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

/**
 * The relay's steps, for the benchmark's step clock (as Switchyard's own tracing channels mark
 * its steps): published only while something subscribes, which is never outside that run.
 */
export const RELAY_CHANNELS = {
  /** The HTTP half sent a whole request to NATS. */
  requestPublish: 'bench:relay:request:publish',
  /** The NATS half took it. */
  requestReceive: 'bench:relay:request:receive',
  /** The NATS half sent the backend's answer back. */
  replyPublish: 'bench:relay:reply:publish',
  /** The HTTP half has it. */
  replyReceive: 'bench:relay:reply:receive',
} as const;

type RelayChannel = (typeof RELAY_CHANNELS)[keyof typeof RELAY_CHANNELS];
const relayChannels = new Map(Object.values(RELAY_CHANNELS).map((name) => [name, channel(name)]));

/** Marks a step of the relay on its channel, when anything listens. */
export function relayStep(name: RelayChannel): void {
  const marked = relayChannels.get(name);
  if (marked?.hasSubscribers === true) marked.publish(undefined);
}
