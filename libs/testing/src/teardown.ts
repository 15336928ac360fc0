import type { NatsConnection } from '@nats-io/transport-node';
import { PENDING, settleWithin } from './wait-for.js';

/** How long {@link closeConnection} lets a drain run before it closes the connection outright. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Runs every step in order, each one even when an earlier one failed, then fails with the failure,
 * or with all of them (an `AggregateError`) when several failed. A fixture's `close()` is built
 * from it: a process that would not stop must not leave the nats-server after it running, since
 * one live child keeps jest from ever exiting.
 */
export async function tearDown(...steps: (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'several teardown steps failed');
}

/**
 * Drains a test's connection so what it published is delivered, but closes it outright when the
 * drain does not end within a few seconds (a server that stopped answering would keep its PONG,
 * and the drain, waiting forever). A connection that was never made (its `beforeAll` failed) is
 * nothing to close.
 */
export async function closeConnection(nc: NatsConnection | undefined): Promise<void> {
  if (nc === undefined || nc.isClosed()) return;
  try {
    const outcome = await settleWithin(() => nc.drain(), DRAIN_TIMEOUT_MS);
    if (outcome === PENDING) {
      // Said, as the teardown goes on: a server that stops answering is worth knowing of.
      process.stderr.write(
        `closeConnection: the drain of ${nc.getServer()} did not end in ${DRAIN_TIMEOUT_MS} ms; closing\n`,
      );
      await nc.close();
    }
  } catch {
    // Already draining or closed by the test itself: closing is all that is left to do.
    if (!nc.isClosed()) await nc.close();
  }
}
