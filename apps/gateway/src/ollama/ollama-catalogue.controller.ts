import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ollamaTagged, type ModelDetails, type ModelInfo } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { FleetCatalogue, type FleetModel } from '../fleet/fleet-catalogue.service.js';
import { ModelManagement } from '../fleet/model-management.service.js';
import { parseBody } from '../http/bad-request.js';
import { requestIdOf } from '../http/request-id.js';
import { ollamaModelNotFound, resolveOllamaName } from './ollama-model-name.js';
import { ollamaShowBodySchema } from './ollama-request.schemas.js';

/**
 * The Ollama version this API answers as; clients switch features on by it. The first with all
 * the gateway serves: log-probabilities (0.12.11) and the Responses API (0.13.4, which Codex's
 * `--oss` checks for before it sends a request).
 */
export const OLLAMA_COMPATIBLE_VERSION = '0.13.4';

/**
 * The Ollama API's description of the fleet: version, the models (`tags`), what is in memory
 * (`ps`) and one model (`show`), over every kind of backend.
 */
@Controller()
export class OllamaCatalogueController {
  constructor(
    private readonly catalogue: FleetCatalogue,
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
    return { models: (await this.catalogue.listed({ startable: true })).map(tagEntry) };
  }

  /**
   * What is in memory: the models each Ollama backend has loaded, as its own `ps` says (with its
   * expiry and sizes), and the models vLLM and LM Studio backends have loaded, as discovery's
   * registry last saw them. Without a registry, every served model, since which are loaded
   * cannot be known.
   */
  @Get('api/ps')
  async ps(@Req() request: FastifyRequest): Promise<unknown> {
    const [listed, running] = await Promise.all([
      this.catalogue.listed(),
      this.management.running(requestIdOf(request)),
    ]);
    const expires = new Date(Date.now() + 5 * 60_000).toISOString();
    const served = (model: FleetModel) =>
      Object.assign({}, tagEntry(model), { expires_at: expires, size_vram: 0 });
    if (running === undefined) return { models: listed.map(served) };
    const inOllama = new Map(
      running.ollama.map((entry) => [entry['name'] ?? entry['model'], entry]),
    );
    return {
      models: listed.flatMap((model) => {
        const own = inOllama.get(model.id);
        if (own !== undefined) {
          return [
            Object.assign({}, served(model), own, capabilitiesOf(model), { kinds: model.kinds }),
          ];
        }
        return running.loadedElsewhere.has(model.id) ? [served(model)] : [];
      }),
    };
  }

  @Post('api/show')
  @HttpCode(200)
  async show(@Req() request: FastifyRequest): Promise<unknown> {
    const body = parseBody(ollamaShowBodySchema, request.body);
    const name = body.model ?? body.name ?? '';
    // A model a stopped managed backend would be started for is shown too: Ollama's CLI shows a
    // model before running it, and pulls one that is not found.
    const resolved = String(await resolveOllamaName(this.catalogue, name));
    const model =
      (await this.catalogue.findListed(resolved)) ??
      (await this.catalogue.findListed(ollamaTagged(resolved)));
    if (model === undefined) throw ollamaModelNotFound(name);
    // An Ollama backend's own description (template, parameters, context length…) where one
    // holds the model, else what discovery's registry knows of it; the fleet's capabilities and
    // kinds either way.
    const served = model.servedAs ?? model.id;
    const { shown, registered } = await this.management.describe(
      { name: served, ollamaName: ollamaTagged(served) },
      requestIdOf(request),
    );
    const described = shown ?? registeredDescription(model.details, registered);
    return {
      modelfile: '',
      parameters: '',
      template: '',
      details: ollamaDetails(model.details),
      model_info: {},
      modified_at: new Date(0).toISOString(),
      ...described,
      ...capabilitiesOf(model),
      kinds: model.kinds,
    };
  }
}

/** Ollama's `details` of a model: what its backends say of it, empty strings for the rest. */
function ollamaDetails(known: ModelDetails): Record<string, unknown> {
  return {
    parent_model: '',
    format: known.format ?? '',
    family: known.family ?? '',
    families: known.family === undefined ? null : [known.family],
    parameter_size: known.parameterSize ?? '',
    quantization_level: known.quantization ?? '',
  };
}

/**
 * `details.family` and `model_info` from the registry, keyed as Ollama keys them, so clients
 * reading `<general.architecture>.context_length` find the context length.
 */
function registeredDescription(
  known: ModelDetails,
  info: ModelInfo | undefined,
): Record<string, unknown> {
  // vLLM does not say its model's architecture, and the keys hang off it: nothing is invented.
  if (info?.architecture === undefined) return {};
  const { architecture, context_length: contextLength } = info;
  return {
    details: ollamaDetails(Object.assign({}, known, { family: architecture })),
    model_info: {
      'general.architecture': architecture,
      ...(contextLength === undefined ? {} : { [`${architecture}.context_length`]: contextLength }),
    },
  };
}

function tagEntry(model: FleetModel): Record<string, unknown> {
  return {
    name: model.id,
    model: model.id,
    modified_at: new Date(0).toISOString(),
    size: 0,
    digest: '',
    details: ollamaDetails(model.details),
    ...capabilitiesOf(model),
    kinds: model.kinds,
  };
}

/** `capabilities`, left out (as Ollama leaves it out) when no worker says what the model can do. */
function capabilitiesOf(model: FleetModel): { capabilities?: string[] } {
  return model.capabilities.length > 0 ? { capabilities: model.capabilities } : {};
}
