import { embedText, float32ToBase64 } from '../core/embeddings.js';
import { runPlain } from '../core/generation-run.js';
import { isEmbeddingModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import { unixSeconds } from '../core/timing.js';
import { countTokens } from '../core/tokenizer.js';
import { readEmbeddingInputs } from '../openai/openai-request.js';
import { badRequest, validationError, VLLM_INFERENCE_ERRORS } from './vllm-errors.js';
import { requestId, vllmJson, vllmModel } from './vllm-request.js';

/** Matryoshka-trained models accept `dimensions`; the simulator treats nomic models as such. */
const isMatryoshka = (model: string) => /nomic|matryoshka/i.test(model);

/** `POST /v1/embeddings`: pooling models only; float (default) or base64. */
export async function handleVllmEmbeddings(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await vllmJson(ctx);
  const model = vllmModel(ctx, body.model);
  const served = model.name;
  const inputs = readEmbeddingInputs(body.input, sim.tokenizer);
  if (!inputs) throw validationError('input', 'Input should be a valid string or list');
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw validationError('encoding_format', "Input should be 'float' or 'base64'");
  }
  if (!isEmbeddingModel(served)) throw badRequest('The model does not support Embeddings API');
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  if (dimensions !== undefined && !isMatryoshka(served)) {
    throw badRequest(
      `Model "${served}" does not support matryoshka representation, changing output dimensions will lead to poor results.`,
    );
  }
  const promptTokens = inputs.reduce((total, text) => total + countTokens(text), 0);
  const id = `embd-${requestId(ctx)}`;

  await sim.runInference(ctx, model, VLLM_INFERENCE_ERRORS, (lease) => {
    lease.usage(promptTokens, 0);
    return runPlain(ctx, lease, {
      tokens: 1,
      body: () => ({
        id,
        object: 'list',
        created: unixSeconds(),
        model: served,
        data: inputs.map((text, index) => {
          const vector = embedText({
            seed: sim.options.seed,
            model: served,
            text,
            ...(dimensions ? { dimensions } : {}),
          });
          return {
            index,
            object: 'embedding',
            embedding: format === 'base64' ? float32ToBase64(vector) : Array.from(vector),
          };
        }),
        usage: {
          prompt_tokens: promptTokens,
          total_tokens: promptTokens,
          completion_tokens: 0,
          prompt_tokens_details: null,
        },
      }),
      error: () => VLLM_INFERENCE_ERRORS.simulated(500),
    });
  });
}
