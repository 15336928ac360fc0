import type { BackendEndpoint } from '../backend-adapter.js';
import type { EndpointLimiter } from '../limits/endpoint-limiter.js';

/**
 * Of the endpoints that serve a model, the one to send the next request to: the first with a
 * free slot, else the one with the shortest queue. Configuration order breaks ties, so a worker
 * fronting a fast and a slow server fills the one listed first.
 *
 * An endpoint set aside (a request just found nothing answering there) is picked only when every
 * endpoint of the model is: its slots are always free, since its requests fail at once, so
 * offering it after the others would still send it every request that finds them busy, instead
 * of queueing that request where it can be answered.
 */
export function pickEndpoint(
  candidates: readonly BackendEndpoint[],
  limiterOf: (endpoint: BackendEndpoint) => EndpointLimiter,
  isSetAside: (endpoint: BackendEndpoint) => boolean,
): BackendEndpoint | undefined {
  return (
    bestOf(candidates, limiterOf, (endpoint) => !isSetAside(endpoint)) ??
    bestOf(candidates, limiterOf, isSetAside)
  );
}

function bestOf(
  candidates: readonly BackendEndpoint[],
  limiterOf: (endpoint: BackendEndpoint) => EndpointLimiter,
  eligible: (endpoint: BackendEndpoint) => boolean,
): BackendEndpoint | undefined {
  let best: BackendEndpoint | undefined;
  let bestWaiting = Infinity;
  for (const endpoint of candidates) {
    if (!eligible(endpoint)) continue;
    const limiter = limiterOf(endpoint);
    if (limiter.hasFreeSlot) return endpoint;
    if (limiter.waiting < bestWaiting) {
      best = endpoint;
      bestWaiting = limiter.waiting;
    }
  }
  return best;
}
