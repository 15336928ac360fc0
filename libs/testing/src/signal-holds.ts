import { getEventListeners } from 'node:events';

/**
 * What a long-lived signal holds on to: its `abort` listeners, and the signals Node's
 * `AbortSignal.any` made from it and keeps while it lives (an internal set, counted when this Node
 * has one). Both should come back to nothing once the operations that used the signal ended;
 * growth per operation is memory a long-running service never gets back.
 */
export function signalHolds(signal: AbortSignal): { listeners: number; dependants: number } {
  const key = Object.getOwnPropertySymbols(signal).find(
    (symbol) => symbol.description === 'kDependantSignals',
  );
  // Node's own Set, of another realm than a test's: read by its size, not checked as a `Set`.
  const dependants =
    key === undefined ? undefined : (signal as never as Record<symbol, unknown>)[key];
  const size = (dependants as { size?: unknown } | undefined)?.size;
  return {
    listeners: getEventListeners(signal, 'abort').length,
    dependants: typeof size === 'number' ? size : 0,
  };
}
