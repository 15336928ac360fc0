import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KindDefinition, KindProfile } from './core/kind-profile.js';
import type { SimFaults } from './core/faults.js';
import { sendHttpError } from './core/http-io.js';
import type { ModelState } from './core/model-registry.js';
import { createRequestContext, Router } from './core/router.js';
import { SIM_ADMIN_ROUTES } from './core/sim-admin-routes.js';
import { SimContext } from './core/sim-context.js';
import { SimHttpError } from './core/sim-errors.js';
import { resolveOptions, type BackendKind, type SimulatorOptions } from './core/sim-options.js';
import type { SimStats } from './core/sim-stats.js';
import { LMSTUDIO_KIND } from './lmstudio/lmstudio-kind.js';
import { OLLAMA_KIND } from './ollama/ollama-kind.js';
import { VLLM_KIND } from './vllm/vllm-kind.js';

const KINDS: Record<BackendKind, KindDefinition> = {
  ollama: OLLAMA_KIND,
  lmstudio: LMSTUDIO_KIND,
  vllm: VLLM_KIND,
};

export interface StartOptions extends SimulatorOptions {
  /**
   * Resolve only once connections are accepted (default true). vLLM does not listen until its
   * load time has passed; with false, `port` is already known (reserved) and `ready` resolves
   * when it listens, so a test can watch connections being refused first.
   */
  waitForReady?: boolean;
}

export interface SimModelSummary {
  name: string;
  state: ModelState;
}

/** A simulator running in this process. */
export interface RunningSimulator {
  readonly kind: BackendKind;
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Resolves when the server accepts connections. */
  readonly ready: Promise<void>;
  stats(): SimStats;
  resetStats(): void;
  faults(): SimFaults;
  /** Merges a partial fault set (see SimFaults); throws SimOptionsError on a bad value. */
  setFaults(update: Partial<SimFaults>): SimFaults;
  clearFaults(): SimFaults;
  /** Installs a model as if pulled/downloaded (not loaded). */
  addModel(name: string): void;
  removeModel(name: string): boolean;
  models(): SimModelSummary[];
  /** Stops listening, drops open connections and clears every timer. */
  close(): Promise<void>;
}

/** Starts a simulator in this process (port 0 picks a free port). */
export async function startSimulator(options: StartOptions): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const kind = KINDS[resolved.kind];
  const sim = new SimContext(resolved, kind.canonicalName, kind.defaultKeepAliveMs);
  kind.installModels(sim.registry, resolved.models);
  const profile = kind.createProfile(sim);
  const server = createServer(dispatcher(sim, profile));
  server.on('clientError', (_error, socket) => socket.destroy());

  let port = resolved.port;
  const loadFirst = kind.preloaded && resolved.loadMs > 0;
  if (loadFirst && port === 0) port = await reservePort(resolved.host);
  const ready = (async () => {
    if (kind.preloaded) {
      // vLLM loads its weights before uvicorn listens: connections are refused meanwhile.
      await Promise.all(sim.registry.list().map((model) => sim.registry.load(model, -1)));
    }
    await listen(server, resolved.host, port);
  })();
  if (options.waitForReady !== false || !loadFirst) await ready;
  else ready.catch(() => undefined);
  const address = server.address() as AddressInfo | null;
  if (address) port = address.port;
  const hostForUrl = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;

  let closed: Promise<void> | undefined;
  return {
    kind: resolved.kind,
    url: `http://${hostForUrl}:${port}`,
    host: resolved.host,
    port,
    ready,
    stats: () => sim.statsSnapshot(),
    resetStats: () => sim.resetStats(),
    faults: () => sim.faults.current,
    setFaults: (update) => sim.faults.set(update),
    clearFaults: () => sim.faults.clear(),
    addModel: (name) => void sim.registry.install(name),
    removeModel: (name) => sim.registry.remove(name),
    models: () => sim.registry.list().map(({ name, state }) => ({ name, state })),
    close: () =>
      (closed ??= (async () => {
        sim.close();
        await ready.catch(() => undefined);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

function dispatcher(sim: SimContext, profile: KindProfile) {
  const router = new Router(profile.routes);
  const admin = new Router(SIM_ADMIN_ROUTES);
  return (req: IncomingMessage, res: ServerResponse) => {
    sim.stats.http++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const match = (path.startsWith('/_sim/') ? admin : router).match(method, path);
    const ctx = createRequestContext(
      req,
      res,
      sim,
      controller.signal,
      match.kind === 'found' ? match.params : {},
      path,
      q < 0 ? '' : url.slice(q + 1),
    );
    if (profile.intercept?.(ctx)) return;
    if (match.kind === 'not_found') return profile.notFound(ctx);
    if (match.kind === 'method_not_allowed') return profile.methodNotAllowed(ctx);
    let result: void | Promise<void>;
    try {
      result = match.handler(ctx);
    } catch (error) {
      fail(error);
      return;
    }
    if (result) result.catch(fail);

    function fail(error: unknown): void {
      if (res.destroyed) return;
      sendHttpError(res, error instanceof SimHttpError ? error : profile.renderError(ctx, error));
    }
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Finds a free port by binding and releasing it (node cannot bind without listening). */
async function reservePort(host: string): Promise<number> {
  const probe = createServer();
  await listen(probe, host, 0);
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
