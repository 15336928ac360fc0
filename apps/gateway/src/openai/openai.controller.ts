import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { SwitchyardError, type InferenceOperation } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenBudget } from '../auth/token-budget.js';
import { FleetCatalogue, type FleetModel } from '../fleet/fleet-catalogue.service.js';
import { InFlightRequests } from '../http/in-flight-requests.service.js';
import { startOf } from '../http/request-timing.js';
import { collectFrames, overheadMs, sendJson, writeStream } from '../http/response-streams.js';
import { RequestCaps } from '../limits/request-caps.js';
import { FleetRouter, type RoutedStream } from '../routing/fleet-router.service.js';
import { answerRouted } from '../routing/routed-answer.js';
import {
  ChatChunkTranslator,
  chatCompletion,
  CompletionChunkTranslator,
  textCompletion,
  type AnswerIdentity,
} from './openai-chunks.translator.js';
import { embeddingList } from './openai-embeddings.translator.js';
import {
  translateChatRequest,
  translateCompletionRequest,
  translateEmbeddingRequest,
} from './openai-request.translator.js';
import { OPENAI_SSE } from './openai-stream.format.js';

/** The OpenAI-compatible API: translate, route, and write the answer back. */
@Controller('v1')
export class OpenAIController {
  constructor(
    private readonly router: FleetRouter,
    private readonly catalogue: FleetCatalogue,
    private readonly inFlight: InFlightRequests,
    private readonly budget: TokenBudget,
    private readonly caps: RequestCaps,
  ) {}

  @Get('models')
  async models(): Promise<unknown> {
    return { object: 'list', data: (await this.catalogue.models()).map(modelEntry) };
  }

  @Get('models/*')
  async model(@Req() request: FastifyRequest<{ Params: { '*': string } }>): Promise<unknown> {
    const id = request.params['*'];
    const model = await this.catalogue.find(id);
    if (model === undefined) {
      throw new SwitchyardError('model_not_found', `The model '${id}' does not exist`, {
        details: { param: 'model' },
      });
    }
    return modelEntry(model);
  }

  @Post('chat/completions')
  @HttpCode(200)
  async chat(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateChatRequest(request.body);
    const body = this.caps.apply(translated.body, {
      prompt: 'messages',
      maxTokens: translated.maxTokensParam,
    });
    await this.answer(request, reply, 'chat', translated.model, body, async (routed, requestId) => {
      const answer = identity('chatcmpl', requestId, routed);
      if (!translated.stream) {
        const { deltas, end } = await collectFrames(routed.frames);
        await sendJson(
          reply,
          chatCompletion(answer, deltas, end),
          overheadMs(startOf(request.raw), end),
        );
        return;
      }
      const chunks = new ChatChunkTranslator(answer, translated.includeUsage);
      await writeStream(reply, OPENAI_SSE, chatChunks(routed, chunks));
    });
  }

  @Post('completions')
  @HttpCode(200)
  async completions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateCompletionRequest(request.body);
    const body = this.caps.apply(translated.body, {
      prompt: 'prompt',
      maxTokens: translated.maxTokensParam,
    });
    await this.answer(
      request,
      reply,
      'complete',
      translated.model,
      body,
      async (routed, requestId) => {
        const answer = identity('cmpl', requestId, routed);
        if (!translated.stream) {
          const { deltas, end } = await collectFrames(routed.frames);
          await sendJson(
            reply,
            textCompletion(answer, deltas, end),
            overheadMs(startOf(request.raw), end),
          );
          return;
        }
        const chunks = new CompletionChunkTranslator(answer, translated.includeUsage);
        await writeStream(reply, OPENAI_SSE, completionChunks(routed, chunks));
      },
    );
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
        await sendJson(reply, list, overheadMs(startOf(request.raw), end));
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
    const deps = { inFlight: this.inFlight, router: this.router, budget: this.budget };
    return answerRouted(deps, request, reply, operation, model, body, write);
  }
}

function identity(prefix: string, requestId: string, routed: RoutedStream): AnswerIdentity {
  return {
    id: `${prefix}-${requestId}`,
    created: Math.floor(Date.now() / 1000),
    model: routed.model,
  };
}

async function* chatChunks(
  routed: RoutedStream,
  chunks: ChatChunkTranslator,
): AsyncGenerator<unknown> {
  yield chunks.opening();
  for await (const frame of routed.frames) {
    if (frame.type === 'delta') {
      const chunk = chunks.delta(frame);
      if (chunk !== undefined) yield chunk;
    } else if (frame.type === 'end') {
      yield* chunks.closing(frame);
    }
  }
}

async function* completionChunks(
  routed: RoutedStream,
  chunks: CompletionChunkTranslator,
): AsyncGenerator<unknown> {
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
