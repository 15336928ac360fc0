import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenBudget } from '../auth/token-budget.js';
import { InFlightRequests } from '../http/in-flight-requests.service.js';
import { RequestCaps } from '../limits/request-caps.js';
import { FleetRouter } from '../routing/fleet-router.service.js';
import { answerChatIn, type RoutedAnswerDeps } from '../routing/routed-answer.js';
import { MessageEvents } from './anthropic-message-events.js';
import { translateMessagesRequest } from './anthropic-request.translator.js';
import { ANTHROPIC_SSE } from './anthropic-stream.format.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`), for clients that speak only it (Claude Code
 * and the Anthropic SDKs pointed at a local fleet): each request is answered as a chat of the
 * fleet. Its errors are in Anthropic's envelope (see `renderFor`).
 */
@Controller('v1')
export class AnthropicController {
  /** What every answer is run with (see `answerRouted`), built once. */
  private readonly deps: RoutedAnswerDeps;

  constructor(
    router: FleetRouter,
    inFlight: InFlightRequests,
    budget: TokenBudget,
    private readonly caps: RequestCaps,
  ) {
    this.deps = { inFlight, router, budget };
  }

  @Post('messages')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateMessagesRequest(request.body);
    const body = this.caps.apply(translated.body, { prompt: 'messages', maxTokens: 'max_tokens' });
    await answerChatIn(
      this.deps,
      request,
      reply,
      translated,
      body,
      ANTHROPIC_SSE,
      (routed, id) => new MessageEvents({ id: `msg_${id}`, model: routed.model }),
    );
  }
}
