import { Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { SwitchyardError, type InferenceOperation } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenBudget } from '../auth/token-budget.js';
import { FleetCatalogue, type FleetModel } from '../fleet/fleet-catalogue.service.js';
import { ModelManagement } from '../fleet/model-management.service.js';
import { parseBody } from '../http/bad-request.js';
import { InFlightRequests } from '../http/in-flight-requests.service.js';
import { requestIdOf } from '../http/request-id.js';
import { startOf } from '../http/request-timing.js';
import { collectFrames, overheadMs, sendJson, writeStream } from '../http/response-streams.js';
import { decodeFloat32 } from '../openai/openai-embeddings.translator.js';
import { RequestCaps } from '../limits/request-caps.js';
import { checkModelName, FleetRouter, type RoutedStream } from '../routing/fleet-router.service.js';
import { answerRouted } from '../routing/routed-answer.js';
import { ollamaTagged } from './ollama-model-name.js';
import { ollamaShowBodySchema } from './ollama-request.schemas.js';
import {
  translateOllamaChat,
  translateOllamaEmbed,
  translateOllamaGenerate,
  translateOllamaLegacyEmbedding,
  type OllamaShortcut,
  type TranslatedOllamaGenerate,
} from './ollama-request.translator.js';
import {
  OllamaChatLines,
  ollamaChatAnswer,
  OllamaGenerateLines,
  ollamaGenerateAnswer,
  ollamaShortcutAnswer,
} from './ollama-response.translator.js';
import { OLLAMA_NDJSON } from './ollama-stream.format.js';

/** The Ollama version this API answers as; clients switch features on by it. */
export const OLLAMA_COMPATIBLE_VERSION = '0.12.0';

/** Ollama's names for the capped fields (see `gateway.limits`). */
const OLLAMA_CAP_PARAMS = {
  chat: { prompt: 'messages', maxTokens: 'options.num_predict' },
  generate: { prompt: 'prompt', maxTokens: 'options.num_predict' },
} as const;

/** The Ollama-compatible API over the same fleet, whatever kind of backend serves a model. */
@Controller()
export class OllamaController {
  constructor(
    private readonly router: FleetRouter,
    private readonly catalogue: FleetCatalogue,
    private readonly inFlight: InFlightRequests,
    private readonly budget: TokenBudget,
    private readonly caps: RequestCaps,
    private readonly management: ModelManagement,
  ) {}

  /** Fastify answers `HEAD /` from this route too, as Ollama does. */
  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  root(): string {
    return 'Ollama is running';
  }

  @Get('api/version')
  version(): { version: string } {
    return { version: OLLAMA_COMPATIBLE_VERSION };
  }

  @Get('api/tags')
  async tags(): Promise<unknown> {
    return { models: (await this.catalogue.listed()).map(tagEntry) };
  }

  /**
   * What is in memory: the models each Ollama backend has loaded, as its own `ps` says (with its
   * expiry and sizes), found through discovery's registry; and the models behind vLLM or LM
   * Studio, which answer a request without an explicit load. Without a registry, every served
   * model, since which are loaded cannot be known.
   */
  @Get('api/ps')
  async ps(@Req() request: FastifyRequest): Promise<unknown> {
    const listed = await this.catalogue.listed();
    const running = await this.management.running(requestIdOf(request));
    const expires = new Date(Date.now() + 5 * 60_000).toISOString();
    const served = (model: FleetModel) => ({
      ...tagEntry(model),
      expires_at: expires,
      size_vram: 0,
    });
    if (running === undefined) return { models: listed.map(served) };
    const inMemory = new Map(running.map((entry) => [entry['name'] ?? entry['model'], entry]));
    return {
      models: listed.flatMap((model) => {
        const own = inMemory.get(model.id);
        if (own !== undefined) {
          return [{ ...served(model), ...own, ...capabilitiesOf(model), kinds: model.kinds }];
        }
        return model.kinds.some((kind) => kind !== 'ollama') ? [served(model)] : [];
      }),
    };
  }

  @Post('api/show')
  @HttpCode(200)
  async show(@Req() request: FastifyRequest): Promise<unknown> {
    const body = parseBody(ollamaShowBodySchema, request.body);
    const name = body.model ?? body.name ?? '';
    const model = await this.catalogue.find(String(await this.resolveName(name)));
    if (model === undefined) throw ollamaModelNotFound(name);
    // An Ollama backend's own description (template, parameters, context length…) where one
    // holds the model; the fleet's capabilities and kinds either way.
    const described = await this.management.describe(ollamaTagged(model.id), requestIdOf(request));
    return {
      modelfile: '',
      parameters: '',
      template: '',
      details: details(),
      model_info: {},
      modified_at: new Date(0).toISOString(),
      ...described,
      ...capabilitiesOf(model),
      kinds: model.kinds,
    };
  }

  @Post('api/chat')
  async chat(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateOllamaChat(request.body);
    const model = await this.resolveName(translated.model);
    if (isShortcut(translated)) {
      await this.answerShortcut(translated, model, request, reply, 'message');
      return;
    }
    const body = this.caps.apply(translated.body, OLLAMA_CAP_PARAMS.chat);
    await this.answer(request, reply, 'chat', model, body, async (routed) => {
      if (!translated.stream) {
        const { deltas, end } = await collectFrames(routed.frames);
        const total = performance.now() - startOf(request.raw);
        await sendJson(
          reply,
          ollamaChatAnswer(routed.model, deltas, end, total),
          overheadMs(startOf(request.raw), end),
        );
        return;
      }
      const lines = new OllamaChatLines(routed.model);
      await writeStream(reply, OLLAMA_NDJSON, ndjson(routed, lines, startOf(request.raw)));
    });
  }

  @Post('api/generate')
  async generate(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateOllamaGenerate(request.body);
    const model = await this.resolveName(translated.model);
    if (isShortcut(translated)) {
      await this.answerShortcut(translated, model, request, reply, 'response');
      return;
    }
    const body = this.caps.apply(translated.body, OLLAMA_CAP_PARAMS.generate);
    await this.answer(request, reply, 'complete', model, body, async (routed) => {
      if (!translated.stream) {
        const { deltas, end } = await collectFrames(routed.frames);
        const total = performance.now() - startOf(request.raw);
        await sendJson(
          reply,
          ollamaGenerateAnswer(routed.model, deltas, end, total),
          overheadMs(startOf(request.raw), end),
        );
        return;
      }
      const lines = new OllamaGenerateLines(routed.model);
      await writeStream(reply, OLLAMA_NDJSON, ndjson(routed, lines, startOf(request.raw)));
    });
  }

  @Post('api/embed')
  async embed(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateOllamaEmbed(request.body);
    const model = await this.resolveName(translated.model);
    await this.answer(request, reply, 'embed', model, translated.body, async (routed) => {
      const { deltas, end } = await collectFrames(routed.frames);
      const vectors = deltas
        .flatMap((frame) => (frame.embedding === undefined ? [] : [frame.embedding]))
        .sort((a, b) => a.index - b.index)
        .map((embedding) => decodeFloat32(embedding.b64));
      const totalMs = performance.now() - startOf(request.raw);
      const body = {
        model: routed.model,
        embeddings: vectors,
        total_duration: Math.round(totalMs * 1e6),
        prompt_eval_count: end.usage.prompt_tokens,
      };
      await sendJson(reply, body, overheadMs(startOf(request.raw), end));
    });
  }

  /** The legacy single-vector endpoint: `{"prompt"}` in, `{"embedding"}` out. */
  @Post('api/embeddings')
  async embeddings(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateOllamaLegacyEmbedding(request.body);
    const model = await this.resolveName(translated.model);
    await this.answer(request, reply, 'embed', model, translated.body, async (routed) => {
      const { deltas, end } = await collectFrames(routed.frames);
      const first = deltas.find((frame) => frame.embedding !== undefined)?.embedding;
      const embedding = first === undefined ? [] : decodeFloat32(first.b64);
      await sendJson(reply, { embedding }, overheadMs(startOf(request.raw), end));
    });
  }

  private answer(
    request: FastifyRequest,
    reply: FastifyReply,
    operation: InferenceOperation,
    model: unknown,
    body: Record<string, unknown>,
    write: (routed: RoutedStream) => Promise<void>,
  ): Promise<void> {
    const deps = { inFlight: this.inFlight, router: this.router, budget: this.budget };
    return answerRouted(deps, request, reply, operation, model, body, write);
  }

  /**
   * The load shortcut generates nothing, so nothing else would notice a model nobody serves:
   * Ollama answers 404 for it, and so does the gateway.
   */
  private async servedName(model: unknown): Promise<string> {
    const name = checkModelName(model);
    if (!(await this.router.serves(name))) throw ollamaModelNotFound(name);
    return name;
  }

  /**
   * Ollama's load and unload shortcuts for a served model. Both go to every Ollama backend that
   * holds the model, and are answered once each has done it (a load, once the model is in
   * memory, kept there for the request's `keep_alive`). A model no Ollama backend holds needs no
   * load: vLLM serves its one model from start-up, and LM Studio loads on the first request, as
   * every model does when no registry says where it is. It cannot be unloaded on request either
   * (LM Studio unloads by instance), which is an error rather than an answer saying it was done.
   */
  private async answerShortcut(
    { shortcut, keepAlive }: ShortcutRequest,
    model: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
    field: 'response' | 'message',
  ): Promise<void> {
    const name = await this.servedName(model);
    if (shortcut === 'unload') await this.unload(name, request);
    else await this.load(name, keepAlive, request);
    await sendJson(reply, ollamaShortcutAnswer(name, field, shortcut), undefined);
  }

  private async load(
    name: string,
    keepAlive: string | number | undefined,
    request: FastifyRequest,
  ): Promise<void> {
    const fields =
      keepAlive === undefined ? { model: name } : { model: name, keep_alive: keepAlive };
    await this.management.load(name, fields, requestIdOf(request));
  }

  private async unload(name: string, request: FastifyRequest): Promise<void> {
    const outcome = await this.management.run(
      'unload',
      name,
      { model: name },
      requestIdOf(request),
    );
    if (outcome === 'missing') {
      const kinds = (await this.catalogue.find(name))?.kinds ?? [];
      throw new SwitchyardError(
        'unsupported',
        `"${name}" is served by ${kinds.join(' and ') || 'no Ollama'} backends, which cannot ` +
          'unload a model on request: only Ollama backends unload on keep_alive 0',
        { details: { param: 'keep_alive' } },
      );
    }
  }

  /** Ollama's clients leave out `:latest`; so does this API, when the fleet has that tag. */
  private async resolveName(model: unknown): Promise<unknown> {
    if (typeof model !== 'string' || model.length === 0) return model;
    const tagged = ollamaTagged(model);
    if (tagged === model) return model;
    const models = await this.catalogue.models();
    if (models.some((entry) => entry.id === model)) return model;
    return models.some((entry) => entry.id === tagged) ? tagged : model;
  }
}

/** A chat or generate request that is one of Ollama's shortcuts. */
type ShortcutRequest = TranslatedOllamaGenerate & { shortcut: OllamaShortcut };

function isShortcut(translated: TranslatedOllamaGenerate): translated is ShortcutRequest {
  return translated.shortcut !== undefined;
}

async function* ndjson(
  routed: RoutedStream,
  lines: OllamaChatLines | OllamaGenerateLines,
  startedAt: number,
): AsyncGenerator<unknown> {
  for await (const frame of routed.frames) {
    if (frame.type === 'delta') {
      const line = lines.delta(frame);
      if (line !== undefined) yield line;
    } else if (frame.type === 'end') {
      yield* lines.closing(frame, performance.now() - startedAt);
    }
  }
}

function details(): Record<string, unknown> {
  return {
    parent_model: '',
    format: '',
    family: '',
    families: null,
    parameter_size: '',
    quantization_level: '',
  };
}

function tagEntry(model: FleetModel): Record<string, unknown> {
  return {
    name: model.id,
    model: model.id,
    modified_at: new Date(0).toISOString(),
    size: 0,
    digest: '',
    details: details(),
    ...capabilitiesOf(model),
    kinds: model.kinds,
  };
}

/** `capabilities`, left out (as Ollama leaves it out) when no worker says what the model can do. */
function capabilitiesOf(model: FleetModel): { capabilities?: string[] } {
  return model.capabilities.length > 0 ? { capabilities: model.capabilities } : {};
}

/** Ollama's own wording for a model it does not have. */
function ollamaModelNotFound(name: string): SwitchyardError {
  return new SwitchyardError('model_not_found', `model '${name}' not found`, {
    details: { param: 'model' },
  });
}
