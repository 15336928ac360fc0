import { Controller, Post, Req, Res } from '@nestjs/common';
import { SwitchyardError, type EndFrame, type InferenceOperation } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenBudget } from '../auth/token-budget.js';
import { FleetCatalogue } from '../fleet/fleet-catalogue.service.js';
import { ModelManagement } from '../fleet/model-management.service.js';
import { InFlightRequests } from '../http/in-flight-requests.service.js';
import { requestIdOf } from '../http/request-id.js';
import { startOf } from '../http/request-timing.js';
import { jsonPieces, mapped } from '../http/json-pieces.js';
import {
  collectFrames,
  overheadMs,
  sendJson,
  writeJsonPieces,
  writeStream,
} from '../http/response-streams.js';
import { decodeFloat32, sortedEmbeddings } from '../openai/openai-embeddings.translator.js';
import { RequestCaps } from '../limits/request-caps.js';
import { checkModelName, FleetRouter, type RoutedStream } from '../routing/fleet-router.service.js';
import { answerChoices, answerRouted, type RoutedAnswerDeps } from '../routing/routed-answer.js';
import { ollamaModelNotFound, resolveOllamaName } from './ollama-model-name.js';
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
  joinedEmbeddingEnd,
  ollamaEmbedAnswer,
  OllamaGenerateLines,
  ollamaGenerateAnswer,
  ollamaShortcutAnswer,
} from './ollama-response.translator.js';
import { OLLAMA_NDJSON } from './ollama-stream.format.js';

/** Ollama's names for the capped fields (see `gateway.limits`). */
const OLLAMA_CAP_PARAMS = {
  chat: { prompt: 'messages', maxTokens: 'options.num_predict' },
  generate: { prompt: 'prompt', maxTokens: 'options.num_predict' },
} as const;

/**
 * The Ollama API's inference routes (chat, generate, embeddings, and the load and unload
 * shortcuts) over the same fleet, whatever kind of backend serves a model.
 */
@Controller()
export class OllamaController {
  /** What every answer is run with (see `answerRouted`), built once. */
  private readonly deps: RoutedAnswerDeps;

  constructor(
    private readonly router: FleetRouter,
    private readonly catalogue: FleetCatalogue,
    inFlight: InFlightRequests,
    budget: TokenBudget,
    private readonly caps: RequestCaps,
    private readonly management: ModelManagement,
  ) {
    this.deps = { inFlight, router, budget };
  }

  @Post('api/chat')
  async chat(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateOllamaChat(request.body);
    const model = await resolveOllamaName(this.catalogue, translated.model);
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
    const model = await resolveOllamaName(this.catalogue, translated.model);
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
    const model = await resolveOllamaName(this.catalogue, translated.model);
    if (translated.bodies === undefined) {
      const name = await this.loaded(model, translated.keepAlive, request);
      await sendJson(reply, { model: name, embeddings: [] }, undefined);
      return;
    }
    // A batch larger than one canonical request goes as several, answered as one, in order.
    const bodies = translated.bodies;
    await answerChoices(this.deps, request, reply, 'embed', model, bodies, async (choices) => {
      const embeddings: { b64: string }[] = [];
      const ends: EndFrame[] = [];
      for (const frames of choices.frames) {
        const { deltas, end } = await collectFrames(frames);
        embeddings.push(...sortedEmbeddings(deltas));
        ends.push(end);
      }
      const end = joinedEmbeddingEnd(ends);
      const totalMs = performance.now() - startOf(request.raw);
      // Decoded a vector at a time, as the answer is written.
      const vectors = mapped(embeddings, ({ b64 }) => decodeFloat32(b64));
      const body = ollamaEmbedAnswer(choices.first.model, vectors, end, totalMs);
      await writeJsonPieces(reply, jsonPieces(body), overheadMs(startOf(request.raw), end));
    });
  }

  /** The legacy single-vector endpoint: `{"prompt"}` in, `{"embedding"}` out. */
  @Post('api/embeddings')
  async embeddings(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const translated = translateOllamaLegacyEmbedding(request.body);
    const model = await resolveOllamaName(this.catalogue, translated.model);
    // One prompt: one canonical request at most.
    const body = translated.bodies?.[0];
    if (body === undefined) {
      await this.loaded(model, translated.keepAlive, request);
      await sendJson(reply, { embedding: [] }, undefined);
      return;
    }
    await this.answer(request, reply, 'embed', model, body, async (routed) => {
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
    return answerRouted(this.deps, request, reply, operation, model, body, write);
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

  /** Loads a served model for an embedding request with nothing to embed; its name. */
  private async loaded(
    model: unknown,
    keepAlive: string | number | undefined,
    request: FastifyRequest,
  ): Promise<string> {
    const name = await this.servedName(model);
    await this.load(name, keepAlive, request);
    return name;
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
