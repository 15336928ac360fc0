import { randomBytes } from 'node:crypto';
import { sendJson } from '../core/http-io.js';
import { isEmbeddingModel } from '../core/model-traits.js';
import type { RequestContext } from '../core/router.js';
import type { SimContext } from '../core/sim-context.js';
import { lmError } from './lmstudio-errors.js';
import { lmFindModel, v0ModelEntry, v1ModelEntry } from './lmstudio-model-info.js';

/** `GET /v1/models`: with JIT loading every downloaded model is listed; no `created` field. */
export function handleLmOpenAiModels(ctx: RequestContext): void {
  const data = ctx.sim.registry
    .list()
    .map((model) => ({ id: model.name, object: 'model', owned_by: 'organization_owner' }));
  sendJson(ctx.res, 200, { data, object: 'list' });
}

export function handleV0Models(ctx: RequestContext): void {
  const data = ctx.sim.registry.list().map((model) => v0ModelEntry(ctx.sim, model));
  sendJson(ctx.res, 200, { object: 'list', data });
}

export function handleV0Model(ctx: RequestContext): void {
  sendJson(ctx.res, 200, v0ModelEntry(ctx.sim, lmFindModel(ctx.sim, ctx.params.model)));
}

export function handleV1Models(ctx: RequestContext): void {
  const models = ctx.sim.registry.list().map((model) => v1ModelEntry(ctx.sim, model));
  sendJson(ctx.res, 200, { models });
}

/** `POST /api/v1/models/load`: blocks for the load time, then reports it in seconds. */
export async function handleV1Load(ctx: RequestContext): Promise<void> {
  const body = await ctx.json();
  const model = lmFindModel(ctx.sim, body.model);
  const loadNs = await ctx.sim.registry.load(model, -1);
  sendJson(ctx.res, 200, {
    type: isEmbeddingModel(model.name) ? 'embedding' : 'llm',
    instance_id: model.name,
    load_time_seconds: Math.round(loadNs / 1e6) / 1e3,
    status: 'loaded',
    ...(body.echo_load_config === true
      ? { load_config: { context_length: body.context_length ?? ctx.sim.options.contextLength } }
      : {}),
  });
}

export async function handleV1Unload(ctx: RequestContext): Promise<void> {
  const body = await ctx.json();
  const id = typeof body.instance_id === 'string' ? body.instance_id : '';
  const model = id ? ctx.sim.registry.find(id) : undefined;
  if (!model || model.state !== 'loaded') {
    throw lmError(404, `No loaded model instance with id "${id}"`, { param: 'instance_id' });
  }
  ctx.sim.registry.unload(model);
  sendJson(ctx.res, 200, { instance_id: id });
}

interface DownloadJob {
  job_id: string;
  status: 'downloading' | 'completed';
  total_size_bytes: number;
  downloaded_bytes: number;
  started_at: string;
  completed_at?: string;
  startedMs: number;
}

/** Download jobs of one simulator: a catalogue model installs after `--pull-ms`. */
export class LmDownloads {
  private readonly jobs = new Map<string, DownloadJob>();

  constructor(private readonly sim: SimContext) {}

  async start(ctx: RequestContext): Promise<void> {
    const body = await ctx.json();
    const name = typeof body.model === 'string' ? body.model : '';
    if (name && this.sim.registry.find(name)) {
      return sendJson(ctx.res, 200, { status: 'already_downloaded' });
    }
    if (!name || !this.sim.options.catalogue.includes(name)) {
      throw lmError(404, `Model "${name}" was not found in the catalog`, {
        param: 'model',
        code: 'model_not_found',
      });
    }
    const job: DownloadJob = {
      job_id: `job_${randomBytes(5).toString('hex')}`,
      status: 'downloading',
      total_size_bytes: 4_683_073_952,
      downloaded_bytes: 0,
      started_at: new Date().toISOString(),
      startedMs: Date.now(),
    };
    this.jobs.set(job.job_id, job);
    const timer = setTimeout(() => {
      this.sim.registry.install(name);
      job.status = 'completed';
      job.downloaded_bytes = job.total_size_bytes;
      job.completed_at = new Date().toISOString();
    }, this.sim.options.pullMs);
    timer.unref();
    this.sim.closing.addEventListener('abort', () => clearTimeout(timer), { once: true });
    const { job_id, status, total_size_bytes, started_at } = job;
    sendJson(ctx.res, 200, { job_id, status, total_size_bytes, started_at });
  }

  status(ctx: RequestContext): void {
    const job = this.jobs.get(ctx.params.job_id as string);
    if (!job)
      throw lmError(404, `No download job with id "${ctx.params.job_id}"`, { param: 'job_id' });
    const { startedMs, ...wire } = job;
    if (job.status === 'downloading') {
      const fraction = Math.min(1, (Date.now() - startedMs) / Math.max(1, this.sim.options.pullMs));
      wire.downloaded_bytes = Math.floor(job.total_size_bytes * fraction);
    }
    const elapsed = Math.max(0.001, (Date.now() - startedMs) / 1000);
    sendJson(ctx.res, 200, {
      ...wire,
      bytes_per_second: Math.round(wire.downloaded_bytes / elapsed),
    });
  }
}
