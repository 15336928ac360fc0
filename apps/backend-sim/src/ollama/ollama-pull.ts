import { createHash } from 'node:crypto';
import { NDJSON_TYPE, ndjsonLine, sendJson } from '../core/http-io.js';
import type { RequestContext } from '../core/router.js';
import { RequestAbortedError } from '../core/sim-errors.js';
import { sleep } from '../core/timing.js';
import { nativeError } from './ollama-errors.js';
import { ollamaCanonicalName } from './ollama-names.js';

/** What the registry answers for a model it does not have (reference §1.6). */
export const PULL_MANIFEST_MISSING = 'pull model manifest: file does not exist';
/** Progress lines per layer after the first (which has no `completed`). */
const PROGRESS_STEPS = 4;

interface Layer {
  digest: string;
  total: number;
}

/**
 * `POST /api/pull`: NDJSON progress (manifest, per-layer progress with digest/total/completed,
 * verifying, writing, success) spread over `--pull-ms`, then the model is installed. A model
 * outside the catalogue fails with the registry's error line after `pulling manifest`.
 */
export async function handlePull(ctx: RequestContext): Promise<void> {
  const { sim } = ctx;
  const body = await ctx.json();
  const requested = typeof body.model === 'string' ? body.model : body.name;
  if (typeof requested !== 'string' || requested.trim() === '') {
    throw nativeError(400, 'model is required');
  }
  const name = ollamaCanonicalName(requested);
  const known =
    sim.registry.find(name) !== undefined ||
    sim.options.catalogue.some((entry) => ollamaCanonicalName(entry) === name);
  const stream = body.stream !== false;

  if (!stream) {
    if (!known) throw nativeError(500, PULL_MANIFEST_MISSING);
    await sleep(sim.options.pullMs, ctx.signal).catch(ignoreAbort);
    if (ctx.signal.aborted) return;
    sim.registry.install(name);
    return sendJson(ctx.res, 200, { status: 'success' });
  }

  const { res, signal } = ctx;
  res.writeHead(200, { 'content-type': NDJSON_TYPE });
  const write = (value: unknown) => res.write(ndjsonLine(value));
  write({ status: 'pulling manifest' });
  if (!known) {
    res.end(ndjsonLine({ error: PULL_MANIFEST_MISSING }));
    return;
  }
  const layers = layersOf(name, sim.registry.find(name)?.sizeBytes ?? 2_019_377_376);
  const pause = sim.options.pullMs / (layers.length * (PROGRESS_STEPS + 1) + 3);
  try {
    for (const layer of layers) {
      const status = `pulling ${layer.digest.slice(7, 19)}`;
      write({ status, digest: layer.digest, total: layer.total });
      for (let step = 1; step <= PROGRESS_STEPS; step++) {
        await sleep(pause, signal);
        const completed = Math.round((layer.total * step) / PROGRESS_STEPS);
        write({ status, digest: layer.digest, total: layer.total, completed });
      }
    }
    for (const status of ['verifying sha256 digest', 'writing manifest']) {
      await sleep(pause, signal);
      write({ status });
    }
    await sleep(pause, signal);
  } catch (error) {
    ignoreAbort(error);
    return;
  }
  sim.registry.install(name);
  res.end(ndjsonLine({ status: 'success' }));
}

/** The weights, template and parameters layers of a model, with stable digests. */
function layersOf(name: string, weightsBytes: number): Layer[] {
  const digest = (part: string) =>
    `sha256:${createHash('sha256').update(`${name}#${part}`).digest('hex')}`;
  return [
    { digest: digest('weights'), total: weightsBytes },
    { digest: digest('template'), total: 1429 },
    { digest: digest('params'), total: 96 },
  ];
}

function ignoreAbort(error: unknown): void {
  if (!(error instanceof RequestAbortedError)) throw error;
}
