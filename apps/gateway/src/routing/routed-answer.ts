import type { InferenceOperation, Usage } from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../auth/request-caller.js';
import type { TokenBudget } from '../auth/token-budget.js';
import type { InFlightRequests } from '../http/in-flight-requests.service.js';
import { requestIdOf } from '../http/request-id.js';
import { OVERHEAD_HEADER } from '../http/response-streams.js';
import { noteModel, startOf } from '../http/request-timing.js';
import type { FleetRouter, RoutedStream } from './fleet-router.service.js';

export interface RoutedAnswerDeps {
  inFlight: InFlightRequests;
  router: FleetRouter;
  budget: TokenBudget;
}

/**
 * Runs one inference answer, for either API: the caller's token budget must not be spent, it
 * counts as in flight (the client leaving, or shutdown, aborts it), the router opens the stream,
 * the model it reached is noted for the metrics, the usage the answer reports is charged to the
 * caller, and `write` turns the stream into the API's own answer.
 *
 * The overhead header is set to the overhead up to the first token here, which is all a streamed
 * answer can say before its headers go out; a whole answer replaces it with the full number.
 */
export async function answerRouted(
  deps: RoutedAnswerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: InferenceOperation,
  model: unknown,
  body: Record<string, unknown>,
  write: (routed: RoutedStream, requestId: string) => Promise<void>,
): Promise<void> {
  const caller = callerOf(request.raw);
  deps.budget.check(caller);
  const call = deps.inFlight.begin(reply);
  try {
    const requestId = requestIdOf(request);
    const routed = await deps.router.open(operation, model, body, {
      requestId,
      signal: call.signal,
      startedAt: startOf(request.raw),
    });
    noteModel(request.raw, routed.model);
    if (routed.firstTokenOverheadMs !== undefined) {
      reply.header(OVERHEAD_HEADER, routed.firstTokenOverheadMs.toFixed(1));
    }
    const charged = charging(routed.frames, (usage) => deps.budget.spend(caller, usage));
    await write({ ...routed, frames: charged }, requestId);
  } finally {
    call.done();
  }
}

/** The frames, handing the end frame's usage to `charge` as it passes. */
async function* charging(
  frames: AsyncIterable<StreamFrame>,
  charge: (usage: Usage) => void,
): AsyncGenerator<StreamFrame> {
  for await (const frame of frames) {
    if (frame.type === 'end') charge(frame.usage);
    yield frame;
  }
}
