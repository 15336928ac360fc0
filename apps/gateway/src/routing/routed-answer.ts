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
  return answerChoices(deps, request, reply, operation, model, [body], (choices, requestId) =>
    write(choices.first, requestId),
  );
}

/** The choices of an answer as they are routed. */
export interface RoutedChoices {
  /** The first choice, routed: its model and overhead are the answer's. */
  first: RoutedStream;
  /**
   * Every choice's frames, in the order of the bodies; a choice still being routed gives its
   * frames once it is, and throws its routing's failure when it cannot be.
   */
  frames: readonly AsyncIterable<StreamFrame>[];
}

/**
 * {@link answerRouted} for an answer of several choices, one canonical request each, all opened
 * at once. `write` is called once the first is routed, not all of them: a backend that serves one
 * request at a time (Ollama's default) routes the second only after the first has ended, and a
 * streamed answer must not hold the first choice's tokens back until then. A choice that cannot be
 * routed fails the answer where its frames are read, and the others are cancelled, as they are
 * when `write` fails; the model noted and the overhead header are the first choice's.
 */
export async function answerChoices(
  deps: RoutedAnswerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: InferenceOperation,
  model: unknown,
  bodies: readonly Record<string, unknown>[],
  write: (choices: RoutedChoices, requestId: string) => Promise<void>,
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
    const options = {
      requestId,
      signal,
      startedAt: startOf(request.raw),
      onTaken: (taken: string) => noteModel(request.raw, taken),
    };
    // The answer's first token and overhead are its first choice's (see `timed`).
    const untimed = Object.assign({}, options, { timed: false });
    const opened = bodies.map((body, index) =>
      deps.router.open(operation, model, body, index === 0 ? options : untimed),
    );
    const others = opened.slice(1);
    // A choice's failure is for whoever reads its frames; none goes unhandled when another fails.
    for (const choice of others) choice.catch(() => undefined);
    // Any choice failing before the first is routed fails the answer at once, as an HTTP error.
    const first = await (others.length === 0
      ? (opened[0] as Promise<RoutedStream>)
      : Promise.race([opened[0] as Promise<RoutedStream>, firstFailureOf(others)]));
    if (first.firstTokenOverheadMs !== undefined) {
      reply.header(OVERHEAD_HEADER, first.firstTokenOverheadMs.toFixed(1));
    }
    // The usage each choice reports is charged to the caller as its end frame passes; a choice
    // that stops before it (the client left) reports none and is charged an estimate instead.
    const charge = (end: EndFrame) => deps.budget.spend(caller, end.usage);
    const chargeChoice = (routed: RoutedStream, body: Record<string, unknown> | undefined) => {
      routed.frames.onEnd(charge);
      routed.frames.onUnfinished((chars) => deps.budget.spendUnfinished(caller, body, chars));
    };
    chargeChoice(first, bodies[0]);
    others.forEach((choice, i) =>
      choice.then(
        (routed) => chargeChoice(routed, bodies[i + 1]),
        () => undefined,
      ),
    );
    const frames = [first.frames, ...others.map(framesOnceRouted)];
    await write({ first, frames }, requestId);
  } finally {
    // Streams that ended are past cancelling; this reaches only the ones a failure left open.
    choices?.abort(
      new SwitchyardError('cancelled', 'the answer failed or ended before this choice'),
    );
    call.done();
  }
}

/** Rejects with the first of `choices` to fail; never resolves. */
function firstFailureOf(choices: readonly Promise<unknown>[]): Promise<never> {
  return new Promise((_resolve, reject) => {
    for (const choice of choices) choice.catch(reject);
  });
}

/** A choice's frames once it is routed. */
async function* framesOnceRouted(routed: Promise<RoutedStream>): AsyncGenerator<StreamFrame> {
  yield* (await routed).frames;
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
