import { embedText } from '../core/embeddings.js';
import { runPlain } from '../core/generation-run.js';
import { sendJson } from '../core/http-io.js';
import type { RequestContext } from '../core/router.js';
import { countTokens } from '../core/tokenizer.js';
import { NATIVE_INFERENCE_ERRORS, nativeError } from './ollama-errors.js';
import { findModel, keepAliveMs, numPredict, requireModelName } from './ollama-request.js';

/** `POST /api/embed`: batch input, L2-normalised vectors, always a 2-D array. */
export async function handleEmbed(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const requested = requireModelName(body);
  const model = findModel(sim, requested);
  const inputs = embedInputs(body.input);
  const keepAlive = keepAliveMs(body, sim.defaultKeepAliveMs);
  numPredict(body.options);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  // The runner's context is `num_ctx` when the request sets one, the model's default otherwise.
  const numCtx = (body.options as { num_ctx?: unknown } | undefined)?.num_ctx;
  const contextLength =
    typeof numCtx === 'number' && numCtx > 0 ? numCtx : sim.options.contextLength;
  if (body.truncate === false && inputs.some((text) => countTokens(text) > contextLength)) {
    throw nativeError(400, 'the input length exceeds the context length');
  }

  await sim.runInference(
    ctx,
    model,
    NATIVE_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(promptTokens, 0);
      return runPlain(ctx, lease, {
        tokens: 1,
        body: (timings) => {
          if (inputs.length === 0) return { model: requested, embeddings: [] };
          const embeddings = inputs.map((text) =>
            Array.from(
              embedText({
                seed: sim.options.seed,
                model: model.name,
                text,
                ...(dimensions ? { dimensions } : {}),
              }),
            ),
          );
          const response: Record<string, unknown> = { model: requested, embeddings };
          if (timings.totalNs > 0) response.total_duration = Math.round(timings.totalNs);
          if (timings.loadNs > 0) response.load_duration = Math.round(timings.loadNs);
          if (promptTokens > 0) response.prompt_eval_count = promptTokens;
          return response;
        },
        error: () => NATIVE_INFERENCE_ERRORS.simulated(500),
      });
    },
    { keepAliveMs: keepAlive },
  );
}

/** `POST /api/embeddings` (legacy): one prompt, one vector, not normalised. */
export async function handleLegacyEmbeddings(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const requested = requireModelName(body);
  const model = findModel(
    sim,
    requested,
    nativeError,
    `model "${requested}" not found, try pulling it first`,
  );
  const keepAlive = keepAliveMs(body, sim.defaultKeepAliveMs);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  if (prompt === '') return sendJson(ctx.res, 200, { embedding: [] });

  await sim.runInference(
    ctx,
    model,
    NATIVE_INFERENCE_ERRORS,
    (lease) => {
      lease.usage(countTokens(prompt), 0);
      return runPlain(ctx, lease, {
        tokens: 1,
        body: () => ({
          embedding: Array.from(
            embedText({
              seed: sim.options.seed,
              model: model.name,
              text: prompt,
              normalize: false,
            }),
          ),
        }),
        error: () => NATIVE_INFERENCE_ERRORS.simulated(500),
      });
    },
    { keepAliveMs: keepAlive },
  );
}

function embedInputs(input: unknown): string[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return input === '' ? [] : [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) {
    return input.filter((item) => item !== '');
  }
  throw nativeError(400, 'invalid input type');
}
