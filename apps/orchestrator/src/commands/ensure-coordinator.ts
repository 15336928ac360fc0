import { setTimeout as sleep } from 'node:timers/promises';
import { managedModelNameSchema, SwitchyardError, type EnsureCommand } from '@switchyard/contracts';
import { COMMAND_END, type StreamContext, type StreamEnd } from '@switchyard/nats';
import { sameModel, type Fleet } from '../fleet/fleet.js';
import type { BackendManagement } from '../fleet/management-call.js';
import type { WorkerCatalogue } from '../fleet/worker-catalogue.js';
import type { BackendSupervisor } from '../supervision/backend-supervisor.js';
import type { UsageLedger } from '../usage/usage-ledger.js';
import type { PullForwarder } from './pull-forwarder.js';

/** How often an ensure looks for a worker serving the model once the backend is ready. */
const WORKER_POLL_MS = 250;
/** How long a started backend's worker gets to answer what the backend holds. */
const MODELS_WAIT_MS = 10_000;

export interface EnsureCoordinatorOptions {
  fleet: Fleet;
  workers: WorkerCatalogue;
  usage: UsageLedger;
  management: BackendManagement;
  pulls: PullForwarder;
  /** How long to wait, after the backend is ready, for a worker to serve the model. */
  workerWaitMs: number;
}

/**
 * Makes a model servable. If a worker serves it already, that is the answer. Otherwise the first
 * managed backend configured with the model is started — a running start is shared, since the
 * supervisor owns it — and the answer comes once a worker subscribes to the model's subjects,
 * so the caller's next request finds a responder.
 */
export class EnsureCoordinator {
  constructor(private readonly options: EnsureCoordinatorOptions) {}

  async handle(request: EnsureCommand, ctx: StreamContext): Promise<StreamEnd> {
    const { fleet, workers, usage } = this.options;
    const candidates = fleet.managedFor(request.model, request.kind);
    const servedBy = await workers.servingKind(request.model, request.kind);
    const chosen =
      candidates.find((c) => c.current === 'ready') ??
      candidates.find((c) => c.current !== 'failed') ??
      candidates[0];
    if (chosen === undefined) {
      if (servedBy !== undefined) {
        // Served by a backend the orchestrator does not run: nothing to start.
        ctx.start({ kind: servedBy, backend: 'fleet' });
        ctx.send({ type: 'delta', result: { model: request.model, started: false } });
        return COMMAND_END;
      }
      throw new SwitchyardError(
        'model_not_found',
        `no worker serves model "${request.model}" and no managed backend lists it in its models`,
      );
    }
    // Failed stays failed until a person starts it (`start`): a request starting it again would
    // restart the crash loop the restart limit ended, once per request. A taken port is no crash
    // loop (nothing was started) and may be free by now, as when an earlier orchestrator's copy
    // of the backend was still stopping: it is checked again.
    const failure = chosen.failedWith;
    if (failure !== undefined && failure.code !== 'port_in_use') throw failure;
    ctx.start({ kind: chosen.config.kind, backend: chosen.id });
    usage.touch(chosen.id);
    // An unhealthy backend runs: starting it does nothing (its process is not restarted for
    // failed health checks), so a caller told `started` would only try it again in vain, and
    // one no worker serves (its worker gave up listing it) would wait out the worker wait.
    if (chosen.current === 'unhealthy' && servedBy === undefined) throw unhealthy(chosen, request);
    const running = chosen.current === 'ready' || chosen.current === 'unhealthy';
    if (servedBy === undefined || !running) {
      ctx.setPhase('loading');
      await chosen.start(ctx.signal);
      await this.pullIfMissing(chosen, request.model, ctx);
      await this.waitForWorker(chosen, request, ctx);
    }
    usage.touch(chosen.id);
    ctx.send({
      type: 'delta',
      result: { backend: chosen.id, model: request.model, started: !running },
    });
    return COMMAND_END;
  }

  /**
   * A backend configured with a model may not have it yet (a fresh Ollama): pull it, where the
   * kind can and the pull mode allows. Its worker is asked what it holds; a worker that does not
   * answer leaves the question to {@link waitForWorker}.
   */
  private async pullIfMissing(
    supervisor: BackendSupervisor,
    model: string,
    ctx: StreamContext,
  ): Promise<void> {
    const { pulls, management } = this.options;
    if (!pulls.canPull(supervisor) || !managedModelNameSchema.safeParse(model).success) return;
    const held = await this.heldModels(supervisor, management, ctx);
    if (held === undefined) return;
    const kind = supervisor.config.kind;
    const has = held.some(
      (info) => sameModel(kind, info.name, model) || (info.aliases ?? []).includes(model),
    );
    if (has) return;
    pulls.assertAllowed();
    await pulls.relay(supervisor, model, ctx);
  }

  /** The backend's models, once its worker answers (it may take a moment to see the backend). */
  private async heldModels(
    supervisor: BackendSupervisor,
    management: BackendManagement,
    ctx: StreamContext,
  ): Promise<{ name: string; aliases?: string[] | undefined }[] | undefined> {
    const until = Math.min(ctx.deadline, Date.now() + MODELS_WAIT_MS);
    for (;;) {
      try {
        return await management.models(supervisor.id);
      } catch {
        if (Date.now() >= until || ctx.signal.aborted) return undefined;
        await sleep(WORKER_POLL_MS, undefined, { ref: false });
      }
    }
  }

  private async waitForWorker(
    supervisor: BackendSupervisor,
    request: EnsureCommand,
    ctx: StreamContext,
  ): Promise<void> {
    const until = Math.min(ctx.deadline, Date.now() + this.options.workerWaitMs);
    while ((await this.options.workers.servingKind(request.model, request.kind)) === undefined) {
      if (ctx.signal.aborted) throw SwitchyardError.from(ctx.signal.reason, 'cancelled');
      if (Date.now() >= until) {
        throw new SwitchyardError(
          'timeout',
          `backend ${supervisor.id} is ready but no worker serves "${request.model}" after ` +
            `${this.options.workerWaitMs} ms: is a ${supervisor.config.kind} worker running, ` +
            `and does the backend have the model?`,
        );
      }
      await sleep(WORKER_POLL_MS, undefined, { ref: false });
    }
  }
}

function unhealthy(supervisor: BackendSupervisor, request: EnsureCommand): SwitchyardError {
  const { message } = supervisor.status();
  const why = message === undefined ? '' : ` (${message})`;
  return new SwitchyardError(
    'backend_unavailable',
    `backend ${supervisor.id} runs but fails its health checks${why}, and no worker serves ` +
      `"${request.model}": it is not restarted for that; restart it (switchyard restart ${supervisor.id}) if it stays so`,
    { details: { backend: supervisor.id, state: 'unhealthy' } },
  );
}
