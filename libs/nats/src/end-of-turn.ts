// Publishing at the end of a turn of the event loop, for every stream of the process at once.
//
// The NATS client writes what was published to its socket on the next microtask, and Node runs
// microtasks after every I/O callback: a process that handles many requests, each woken by a
// read of its own (an HTTP request at the gateway, a backend's answer at a worker), would write
// once per request. Publishes put off to the end of the turn (a `setImmediate`, which runs once
// the turn's I/O callbacks have) go out in a few writes for all of them, and the server and the
// receiver each read them at once too. The delay is the rest of the current turn, no more.

/** What runs at the end of this turn, in the order it was asked for. */
const endOfTurn = new Set<() => void>();

/**
 * How many publishers share one socket write at the end of a turn. One write for all of them
 * would hold the first one's messages until the last one's are encoded, and under load (hundreds
 * of streams) that delay shows in every stream's first token; a write each costs a syscall and a
 * read at the server each. 16 keeps both small.
 */
const PUBLISHERS_PER_WRITE = 16;

/**
 * Runs `publish` once, at the end of this turn; asking again with the same function before then
 * changes nothing. The publishers run in runs of {@link PUBLISHERS_PER_WRITE}, each run one
 * socket write (a microtask after it is queued after the NATS client's flush of the run before).
 */
export function atEndOfTurn(publish: () => void): void {
  if (endOfTurn.size === 0) setImmediate(runEndOfTurn);
  endOfTurn.add(publish);
}

/**
 * Runs at once what waits for the end of this turn. A server that stops calls it before its
 * connection drains, when a handler that returned in the last turn still holds its `end` frame.
 */
export function flushEndOfTurn(): void {
  for (const publish of takeAll()) publish();
}

function runEndOfTurn(): void {
  runFrom(takeAll(), 0);
}

function takeAll(): (() => void)[] {
  const publishers = [...endOfTurn];
  endOfTurn.clear();
  return publishers;
}

function runFrom(publishers: readonly (() => void)[], from: number): void {
  const to = Math.min(from + PUBLISHERS_PER_WRITE, publishers.length);
  for (let i = from; i < to; i++) publishers[i]?.();
  if (to < publishers.length) queueMicrotask(() => runFrom(publishers, to));
}
