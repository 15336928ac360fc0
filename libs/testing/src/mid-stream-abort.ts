import type { SwitchyardError } from '@switchyard/contracts';
import { rejectionOf } from './switchyard-rejection.js';

/**
 * Opens a stream with a signal, reads `count` items and then aborts, as a caller that gives up
 * mid-stream does; resolves with the SwitchyardError the stream then fails with (a stream that
 * ends or fails otherwise fails the test).
 */
export async function abortAfter(
  count: number,
  open: (signal: AbortSignal) => AsyncIterable<unknown>,
): Promise<SwitchyardError> {
  const controller = new AbortController();
  let seen = 0;
  return rejectionOf(
    (async () => {
      for await (const _item of open(controller.signal)) {
        if (++seen === count) controller.abort();
      }
    })(),
  );
}
