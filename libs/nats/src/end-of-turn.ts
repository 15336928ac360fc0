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
 * would hold the first one's messages until the last one's are encoded (a few µs each), and with
 * thousands of streams that delay would show in every stream's next token. A write is dearer than
 * it looks: on loopback the kernel delivers the bytes to nats-server and wakes it inside the
 * writer's system call, tens of µs on a VM, and the server then reads, and writes on, once per
 * write too. At 64 a write holds its first message for the encoding of 63 more (well under a
 * millisecond) and a worker with 64 streams writes once a turn; at 16 it wrote 12 times per
 * 200-token stream at 64 streams, and nats-server read 22 times per stream (6 and 11 at 64).
 */
const PUBLISHERS_PER_WRITE = 64;

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
