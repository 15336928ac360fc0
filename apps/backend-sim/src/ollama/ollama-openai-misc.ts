import { embedText, float32ToBase64 } from '../core/embeddings.js';
import { runPlain } from '../core/generation-run.js';
import { sendJson } from '../core/http-io.js';
import type { SimModel } from '../core/model-registry.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { countTokens } from '../core/tokenizer.js';
import { OPENAI_INFERENCE_ERRORS, modelNotFound, openAiError } from './ollama-errors.js';
import { ollamaNamespace } from './ollama-names.js';
import { findModel, requireModelName } from './ollama-request.js';

/** `POST /v1/embeddings` on Ollama: string inputs only, float or base64. */
export async function handleOpenAiEmbeddings(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const requested = requireModelName(body, openAiError);
  const { input } = body;
  if (
    input === undefined ||
    input === null ||
    input === '' ||
    (Array.isArray(input) && input.length === 0)
  ) {
    throw openAiError(400, 'invalid input');
  }
  const inputs =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.every((item) => typeof item === 'string')
        ? (input as string[])
        : undefined;
  if (!inputs) throw openAiError(400, 'invalid input type');
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw openAiError(
      400,
      `Invalid value for 'encoding_format' = ${String(format)}. Supported values: ['float', 'base64'].`,
    );
  }
  const model = findModel(sim, requested, openAiError);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);

  await sim.runInference(ctx, model, OPENAI_INFERENCE_ERRORS, (lease) => {
    lease.usage(promptTokens, 0);
    return runPlain(ctx, lease, {
      tokens: 1,
      body: () => ({
        object: 'list',
        data: inputs.map((text, index) => {
          const vector = embedText({
            seed: sim.options.seed,
            model: model.name,
            text,
            ...(dimensions ? { dimensions } : {}),
          });
          return {
            object: 'embedding',
            embedding: format === 'base64' ? float32ToBase64(vector) : Array.from(vector),
            index,
          };
        }),
        model: requested,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      }),
      error: () => OPENAI_INFERENCE_ERRORS.simulated(500),
    });
  });
}

const modelCard = (model: SimModel) => ({
  id: model.name,
  object: 'model',
  created: unixSeconds(model.modifiedAt),
  owned_by: ollamaNamespace(model.name),
});

/** `GET /v1/models`: with nothing installed Ollama sends `"data": null` (a nil Go slice). */
export function handleOpenAiModels(ctx: RequestContext): void {
  const models = ctx.sim.registry.list().sort((a, b) => b.modifiedAt - a.modifiedAt);
  sendJson(ctx.res, 200, {
    object: 'list',
    data: models.length > 0 ? models.map(modelCard) : null,
  });
}

/** `GET /v1/models/:model`. */
export function handleOpenAiModel(ctx: RequestContext): void {
  const requested = ctx.params.model as string;
  const model = findModel(ctx.sim, requested, openAiError, modelNotFound(requested));
  sendJson(ctx.res, 200, { ...modelCard(model), id: requested });
}
