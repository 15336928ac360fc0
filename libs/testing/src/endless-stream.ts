import type { ServerResponse } from 'node:http';

const PIECE_INTERVAL_MS = 10;

/**
 * Keeps writing `piece()` to a response whose head is already sent, every 10 ms, until the
 * client goes away: a generation that never ends on its own, for tests of cancellation. The
 * promise resolves when the connection closes, so a test can check the backend was let go.
 */
export function streamUntilClosed(res: ServerResponse, piece: () => string): Promise<void> {
  const timer = setInterval(() => res.write(piece()), PIECE_INTERVAL_MS);
  res.on('close', () => clearInterval(timer));
  return new Promise((resolve) => res.on('close', () => resolve()));
}
