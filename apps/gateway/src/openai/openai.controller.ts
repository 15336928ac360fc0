import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  SwitchyardError,
  type DeltaFrame,
  type EndFrame,
  type InferenceOperation,
} from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { asksAnthropic } from '../anthropic/anthropic-callers.js';
import { anthropicModel, anthropicModelList } from '../anthropic/anthropic-models.js';
import { TokenBudget } from '../auth/token-budget.js';
import { FleetCatalogue, type FleetModel } from '../fleet/fleet-catalogue.service.js';
import { InFlightRequests } from '../http/in-flight-requests.service.js';
import { startOf } from '../http/request-timing.js';
import { jsonPieces } from '../http/json-pieces.js';
import {
  collectFrames,
  overheadMs,
  sendJson,
  writeJsonPieces,
  writeStream,
} from '../http/response-streams.js';
import { RequestCaps } from '../limits/request-caps.js';
import { FleetRouter, type RoutedStream } from '../routing/fleet-router.service.js';
import { answerChoices, answerRouted, type RoutedAnswerDeps } from '../routing/routed-answer.js';
import {
  choiceBodies,
  choiceChunks,
  choicesUsage,
  joinedAnswer,
  longest,
} from './openai-choices.js';
import {
  ChatChunkTranslator,
  chatCompletion,
  CompletionChunkTranslator,
  textCompletion,
  type AnswerIdentity,
  type ChunkTranslator,
} from './openai-chunks.translator.js';
import { embeddingList } from './openai-embeddings.translator.js';
import {
  translateChatRequest,
  translateCompletionRequest,
  translateEmbeddingRequest,
  type TranslatedRequest,
} from './openai-request.translator.js';
import { OPENAI_SSE } from './openai-stream.format.js';

/** What differs between the chat and the text completion endpoints; the rest is one path. */
interface GenerationRoute {
  operation: Extract<InferenceOperation, 'chat' | 'complete'>;
  translate: (body: unknown) => TranslatedRequest;
  /** The request field the prompt-size cap names. */
  promptField: string;
  /** Of the answer's `id`: `chatcmpl-…`, `cmpl-…`. */
  idPrefix: string;
  whole: (
    answer: AnswerIdentity,
    deltas: readonly DeltaFrame[],
    end: EndFrame,
    logprobs: boolean,
  ) => Record<string, unknown>;
  chunks: (
    answer: AnswerIdentity,
    includeUsage: boolean,
    logprobs: boolean,
    index?: number,
  ) => ChunkTranslator;
}

const CHAT: GenerationRoute = {
  operation: 'chat',
  translate: translateChatRequest,
  promptField: 'messages',
  idPrefix: 'chatcmpl',
  whole: chatCompletion,
  chunks: (answer, includeUsage, logprobs, index) =>
    new ChatChunkTranslator(answer, includeUsage, logprobs, index),
};

const COMPLETION: GenerationRoute = {
  operation: 'complete',
  translate: translateCompletionRequest,
  promptField: 'prompt',
  idPrefix: 'cmpl',
  whole: textCompletion,
  chunks: (answer, includeUsage, logprobs, index) =>
    new CompletionChunkTranslator(answer, includeUsage, logprobs, index),
};

/** The OpenAI-compatible API: translate, route, and write the answer back. */
@Controller('v1')
export class OpenAIController {
  /** What every answer is run with (see `answerRouted`), built once. */
  private readonly deps: RoutedAnswerDeps;

  constructor(
    router: FleetRouter,
    private readonly catalogue: FleetCatalogue,
    inFlight: InFlightRequests,
    budget: TokenBudget,
    private readonly caps: RequestCaps,
  ) {
    this.deps = { inFlight, router, budget };
  }

  /** The fleet's models, in OpenAI's shape or, for Anthropic's clients, in theirs. */
  @Get('models')
  async models(@Req() request: FastifyRequest): Promise<unknown> {
    const models = await this.catalogue.listed({ startable: true });
    if (asksAnthropic(request.headers)) return anthropicModelList(models);
    return { object: 'list', data: models.map(modelEntry) };
  }

  @Get('models/*')
  async model(@Req() request: FastifyRequest<{ Params: { '*': string } }>): Promise<unknown> {
    const id = request.params['*'];
    const model = await this.catalogue.findListed(id);
    if (model === undefined) {
      throw new SwitchyardError('model_not_found', `The model '${id}' does not exist`, {
        details: { param: 'model' },
      });
    }
    return asksAnthropic(request.headers) ? anthropicModel(model) : modelEntry(model);
  }

  @Post('chat/completions')
  @HttpCode(200)
  chat(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.generate(CHAT, request, reply);
  }

  @Post('completions')
  @HttpCode(200)
  completions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.generate(COMPLETION, request, reply);
  }

  @Post('embeddings')
  @HttpCode(200)
  async embeddings(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateEmbeddingRequest(request.body);
    await this.answer(
      request,
      reply,
      'embed',
      translated.model,
      translated.body,
      async (routed) => {
        const { deltas, end } = await collectFrames(routed.frames);
        const list = embeddingList(routed.model, deltas, end, translated.encoding);
        await writeJsonPieces(reply, jsonPieces(list), overheadMs(startOf(request.raw), end));
      },
    );
  }

  /** A chat or a text completion: whole as one JSON body, or streamed as SSE chunks. */
  private async generate(
    route: GenerationRoute,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const translated = route.translate(request.body);
    const bodies = choiceBodies(translated.body, translated.choices).map((body) =>
      this.caps.apply(body, { prompt: route.promptField, maxTokens: translated.maxTokensParam }),
    );
    // The canonical request asks for log-probabilities exactly when the client did.
    const logprobs = translated.body['logprobs'] !== undefined;
    if (bodies.length > 1) {
      await this.generateChoices(route, translated, bodies, logprobs, request, reply);
      return;
    }
    await this.answer(
      request,
      reply,
      route.operation,
      translated.model,
      bodies[0] as Record<string, unknown>,
      async (routed, requestId) => {
        const answer = identity(route.idPrefix, requestId, routed);
        if (!translated.stream) {
          const { deltas, end } = await collectFrames(routed.frames);
          const whole = route.whole(answer, deltas, end, logprobs);
          await sendJson(reply, whole, overheadMs(startOf(request.raw), end));
          return;
        }
        const chunks = route.chunks(answer, translated.includeUsage, logprobs);
        await writeStream(reply, OPENAI_SSE, sseChunks(routed, chunks));
      },
    );
  }

  /** An answer of several choices (`n`, a list of prompts): one request each, all at once. */
  private generateChoices(
    route: GenerationRoute,
    translated: TranslatedRequest,
    bodies: readonly Record<string, unknown>[],
    logprobs: boolean,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const { n } = translated.choices;
    return answerChoices(
      this.deps,
      request,
      reply,
      route.operation,
      translated.model,
      bodies,
      async ({ first, frames }, requestId) => {
        const answer = identity(route.idPrefix, requestId, first);
        if (!translated.stream) {
          const collected = await Promise.all(frames.map((choice) => collectFrames(choice)));
          const ends = collected.map(({ end }) => end);
          const whole = joinedAnswer(
            collected.map(({ deltas, end }) => route.whole(answer, deltas, end, logprobs)),
            choicesUsage(ends, n),
          );
          await sendJson(reply, whole, overheadMs(startOf(request.raw), longest(ends)));
          return;
        }
        const chunks = frames.map((_, index) =>
          route.chunks(answer, translated.includeUsage, logprobs, index),
        );
        await writeStream(reply, OPENAI_SSE, choiceChunks(frames, chunks, n));
      },
    );
  }

  private answer(
    request: FastifyRequest,
    reply: FastifyReply,
    operation: InferenceOperation,
    model: unknown,
    body: Record<string, unknown>,
    write: (routed: RoutedStream, requestId: string) => Promise<void>,
  ): Promise<void> {
    return answerRouted(this.deps, request, reply, operation, model, body, write);
  }
}

function identity(prefix: string, requestId: string, routed: RoutedStream): AnswerIdentity {
  return {
    id: `${prefix}-${requestId}`,
    created: Math.floor(Date.now() / 1000),
    model: routed.model,
  };
}

async function* sseChunks(routed: RoutedStream, chunks: ChunkTranslator): AsyncGenerator<unknown> {
  if (chunks.opening !== undefined) yield chunks.opening();
  for await (const frame of routed.frames) {
    if (frame.type === 'delta') {
      const chunk = chunks.delta(frame);
      if (chunk !== undefined) yield chunk;
    } else if (frame.type === 'end') {
      yield* chunks.closing(frame);
    }
  }
}

function modelEntry(model: FleetModel): Record<string, unknown> {
  return {
    id: model.id,
    object: 'model',
    created: 0,
    owned_by: model.kinds.join(','),
    kinds: model.kinds,
  };
}
