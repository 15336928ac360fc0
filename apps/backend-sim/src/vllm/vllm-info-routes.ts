import { renderPrompt, type SimMessage } from '../core/generator.js';
import { sendEmpty, sendJson } from '../core/http-io.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { splitPieces } from '../core/tokenizer.js';
import { validationError } from './vllm-errors.js';
import { vllmJson, vllmModel } from './vllm-request.js';

/** The version the simulated vLLM reports (post-0.10.1 error envelope). */
export const VLLM_VERSION = '0.11.0';

/** `/health` and `/ping`: 200 with an empty body while the engine lives. */
export const handleHealth = (ctx: RequestContext) => sendEmpty(ctx.res, 200);

export const handleVersion = (ctx: RequestContext) =>
  sendJson(ctx.res, 200, { version: VLLM_VERSION });

export const handleLoad = (ctx: RequestContext) =>
  sendJson(ctx.res, 200, { server_load: ctx.sim.statsSnapshot().active });

/** `GET /v1/models`: one card per served name, `created` = now, `max_model_len` included. */
export function handleModels(ctx: RequestContext): void {
  const [first] = ctx.sim.registry.list();
  const created = unixSeconds();
  const data = ctx.sim.options.models.map((name) => ({
    id: name,
    object: 'model',
    created,
    owned_by: 'vllm',
    root: first?.name ?? name,
    parent: null,
    max_model_len: ctx.sim.options.contextLength,
    permission: [
      {
        id: `modelperm-${Math.random().toString(16).slice(2, 18)}`,
        object: 'model_permission',
        created,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: '*',
        group: null,
        is_blocking: false,
      },
    ],
  }));
  sendJson(ctx.res, 200, { object: 'list', data });
}

/** `POST /tokenize`: a prompt or chat messages → token ids (and pieces on request). */
export async function handleTokenize(ctx: RequestContext): Promise<void> {
  const body = await vllmJson(ctx);
  vllmModel(ctx, body.model);
  let text: string;
  if (typeof body.prompt === 'string') text = body.prompt;
  else if (Array.isArray(body.messages))
    text = renderPrompt({ messages: body.messages as SimMessage[] });
  else throw validationError('prompt', 'Field required');
  const tokens = ctx.sim.tokenizer.encode(text);
  sendJson(ctx.res, 200, {
    count: tokens.length,
    max_model_len: ctx.sim.options.contextLength,
    tokens,
    token_strs: body.return_token_strs === true ? splitPieces(text) : null,
  });
}

/** `POST /detokenize`: token ids → text. */
export async function handleDetokenize(ctx: RequestContext): Promise<void> {
  const body = await vllmJson(ctx);
  vllmModel(ctx, body.model);
  const { tokens } = body;
  if (!Array.isArray(tokens) || !tokens.every((id) => Number.isInteger(id))) {
    throw validationError('tokens', 'Input should be a valid list of integers');
  }
  sendJson(ctx.res, 200, { prompt: ctx.sim.tokenizer.decode(tokens as number[]) });
}
