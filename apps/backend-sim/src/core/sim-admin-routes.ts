import { sendJson } from './http-io.js';
import { route, type RequestContext, type Route } from './router.js';
import { SimHttpError, SimOptionsError } from './sim-errors.js';

/** The simulator's own endpoints, the same on every kind: stats, faults and models. */
export const SIM_ADMIN_ROUTES: readonly Route[] = [
  route('GET', '/_sim/stats', (ctx) => sendJson(ctx.res, 200, ctx.sim.statsSnapshot())),
  route('POST', '/_sim/stats/reset', (ctx) => {
    ctx.sim.resetStats();
    sendJson(ctx.res, 200, ctx.sim.statsSnapshot());
  }),
  route('GET', '/_sim/faults', (ctx) => sendJson(ctx.res, 200, ctx.sim.faults.current)),
  route('POST', '/_sim/faults', async (ctx) => {
    const update = await adminBody(ctx);
    try {
      sendJson(ctx.res, 200, ctx.sim.faults.set(update));
    } catch (error) {
      throw adminError(error);
    }
  }),
  route('DELETE', '/_sim/faults', (ctx) => sendJson(ctx.res, 200, ctx.sim.faults.clear())),
  route('GET', '/_sim/models', (ctx) => sendJson(ctx.res, 200, { models: listModels(ctx) })),
  route('POST', '/_sim/models', async (ctx) => {
    const { name } = await adminBody(ctx);
    if (typeof name !== 'string' || name.trim() === '') {
      throw new SimHttpError(400, { error: 'name must be a non-empty string' });
    }
    ctx.sim.registry.install(name);
    sendJson(ctx.res, 200, { models: listModels(ctx) });
  }),
  route('DELETE', '/_sim/models/*name', (ctx) => {
    const removed = ctx.sim.registry.remove(ctx.params.name as string);
    sendJson(ctx.res, removed ? 200 : 404, { models: listModels(ctx) });
  }),
];

function listModels(ctx: RequestContext) {
  return ctx.sim.registry.list().map((model) => ({
    name: model.name,
    state: model.state,
    expiresAt:
      model.expiresAt > 0 ? new Date(Math.min(model.expiresAt, 8.64e15)).toISOString() : null,
  }));
}

async function adminBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  try {
    return await ctx.json();
  } catch (error) {
    throw adminError(error);
  }
}

function adminError(error: unknown): SimHttpError {
  if (error instanceof SimOptionsError || error instanceof Error) {
    return new SimHttpError(400, { error: error.message }, { cause: error });
  }
  return new SimHttpError(400, { error: String(error) });
}
