import type { BackendEndpoint } from '../backend-adapter.js';
import type { EndpointLimiter } from '../limits/endpoint-limiter.js';

/**
 * Of the endpoints that serve a model, the one to send the next request to: the first with a
 * free slot, else the one with the shortest queue. Configuration order breaks ties, so a worker
 * fronting a fast and a slow server fills the one listed first.
 */
export function pickEndpoint(
  candidates: readonly BackendEndpoint[],
  limiterOf: (endpoint: BackendEndpoint) => EndpointLimiter,
): BackendEndpoint | undefined {
  let best: BackendEndpoint | undefined;
  let bestWaiting = Infinity;
  for (const endpoint of candidates) {
    const limiter = limiterOf(endpoint);
    if (limiter.hasFreeSlot) return endpoint;
    if (limiter.waiting < bestWaiting) {
      best = endpoint;
      bestWaiting = limiter.waiting;
    }
  }
  return best;
}
