import {
  SwitchyardError,
  type DeltaFrame,
  type EndFrame,
  type InferenceOperation,
} from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../auth/request-caller.js';
import type { TokenBudget } from '../auth/token-budget.js';
import type { InFlightRequests } from '../http/in-flight-requests.service.js';
import { requestIdOf } from '../http/request-id.js';
import {
  collectFrames,
  OVERHEAD_HEADER,
  overheadMs,
  sendJson,
  writeStream,
  type StreamFormat,
} from '../http/response-streams.js';
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
export function answerRouted(
  deps: RoutedAnswerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: InferenceOperation,
  model: unknown,
  body: Record<string, unknown>,
  write: (routed: RoutedStream, requestId: string) => Promise<void>,
): Promise<void> {
  return answerChoices(deps, request, reply, operation, model, [body], ([routed], requestId) =>
    write(routed as RoutedStream, requestId),
  );
}

/**
 * {@link answerRouted} for an answer of several choices, one canonical request each, all opened
 * at once: `write` gets their streams in the order of `bodies`. A choice that cannot be opened
 * fails the answer, and the others are cancelled, as they are when `write` fails; the model
 * noted and the overhead header are the first choice's.
 */
export async function answerChoices(
  deps: RoutedAnswerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: InferenceOperation,
  model: unknown,
  bodies: readonly Record<string, unknown>[],
  write: (routed: RoutedStream[], requestId: string) => Promise<void>,
): Promise<void> {
  const caller = callerOf(request.raw);
  deps.budget.check(caller);
  const call = deps.inFlight.begin(reply);
  // Only an answer of several needs a signal of its own: one choice's failure stops the rest.
  const choices = bodies.length > 1 ? new AbortController() : undefined;
  const signal =
    choices === undefined ? call.signal : AbortSignal.any([call.signal, choices.signal]);
  try {
    const requestId = requestIdOf(request);
    const options = { requestId, signal, startedAt: startOf(request.raw) };
    const routed = await Promise.all(
      bodies.map((body) => deps.router.open(operation, model, body, options)),
    );
    const first = routed[0] as RoutedStream;
    noteModel(request.raw, first.model);
    if (first.firstTokenOverheadMs !== undefined) {
      reply.header(OVERHEAD_HEADER, first.firstTokenOverheadMs.toFixed(1));
    }
    // The usage each choice reports is charged to the caller as its end frame passes.
    for (const stream of routed) stream.frames.onEnd((end) => deps.budget.spend(caller, end.usage));
    await write(routed, requestId);
  } finally {
    // Streams that ended are past cancelling; this reaches only the ones a failure left open.
    choices?.abort(
      new SwitchyardError('cancelled', 'the answer failed or ended before this choice'),
    );
    call.done();
  }
}

/** How an API gives a chat's answer: whole, as one body, or streamed, as its events. */
export interface ChatAnswerFormat {
  whole(deltas: readonly DeltaFrame[], end: EndFrame): unknown;
  events(frames: AsyncIterable<StreamFrame>): AsyncIterable<unknown>;
}

/**
 * {@link answerRouted} for a chat answered in an API's own format (the Responses API's,
 * Anthropic's): collected and sent whole with the overhead header, or streamed in `stream`'s
 * framing, the format built for the answer once it is routed.
 */
export function answerChatIn(
  deps: RoutedAnswerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  translated: { model: unknown; stream: boolean },
  body: Record<string, unknown>,
  stream: StreamFormat,
  formatFor: (routed: RoutedStream, requestId: string) => ChatAnswerFormat,
): Promise<void> {
  return answerRouted(deps, request, reply, 'chat', translated.model, body, async (routed, id) => {
    const format = formatFor(routed, id);
    if (!translated.stream) {
      const { deltas, end } = await collectFrames(routed.frames);
      await sendJson(reply, format.whole(deltas, end), overheadMs(startOf(request.raw), end));
      return;
    }
    await writeStream(reply, stream, format.events(routed.frames));
  });
}
