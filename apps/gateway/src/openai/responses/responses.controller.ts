import { All, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { SwitchyardError } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../auth/request-caller.js';
import { TokenBudget } from '../../auth/token-budget.js';
import { InFlightRequests } from '../../http/in-flight-requests.service.js';
import { RequestCaps } from '../../limits/request-caps.js';
import { FleetRouter } from '../../routing/fleet-router.service.js';
import { answerChatIn, type RoutedAnswerDeps } from '../../routing/routed-answer.js';
import { ResponseEvents } from './response-events.js';
import { ResponseItemStore } from './response-item-store.js';
import { translateResponsesRequest } from './responses-request.translator.js';
import { RESPONSES_SSE } from './responses-stream.format.js';

/**
 * OpenAI's Responses API (`POST /v1/responses`): each request is answered as a chat by the fleet.
 * Only the output items of stored responses are kept, for `item_reference`s
 * (`ResponseItemStore`), not the responses, so the routes that read, cancel or delete a stored
 * response answer that there is none.
 */
@Controller('v1')
export class ResponsesController {
  /** What every answer is run with (see `answerRouted`), built once. */
  private readonly deps: RoutedAnswerDeps;

  constructor(
    router: FleetRouter,
    inFlight: InFlightRequests,
    budget: TokenBudget,
    private readonly caps: RequestCaps,
    private readonly items: ResponseItemStore,
  ) {
    this.deps = { inFlight, router, budget };
  }

  @Post('responses')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // Items belong to the API key that asked for them, where keys are configured.
    const owner = callerOf(request.raw)?.keyHash ?? '';
    const translated = translateResponsesRequest(request.body, (id, param) =>
      this.items.recall(owner, id, param),
    );
    const keep = translated.store
      ? (output: readonly Record<string, unknown>[]) => this.items.keep(owner, output)
      : undefined;
    const body = this.caps.apply(translated.body, {
      prompt: 'input',
      maxTokens: 'max_output_tokens',
    });
    await answerChatIn(
      this.deps,
      request,
      reply,
      translated,
      body,
      RESPONSES_SSE,
      (routed, id) =>
        new ResponseEvents(
          { id: `resp_${id}`, createdAt: Math.floor(Date.now() / 1000), model: routed.model },
          translated.settings,
          translated.logprobs,
          translated.clientToolName,
          keep,
        ),
    );
  }

  @All('responses/*')
  stored(@Req() request: FastifyRequest<{ Params: { '*': string } }>): never {
    const id = request.params['*'].split('/')[0] ?? '';
    throw new SwitchyardError(
      'not_found',
      `No response '${id}': Switchyard keeps no responses (only their output items, for item references)`,
    );
  }
}
