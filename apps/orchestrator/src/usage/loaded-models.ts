import {
  INFERENCE_OPERATIONS,
  modelNames,
  type ModelInfo,
  type Subjects,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/service';
import type { Fleet } from '../fleet/fleet.js';
import type { BackendManagement } from '../fleet/management-call.js';
import type { ModelActivity } from '../fleet/worker-catalogue.js';
import type { BackendSupervisor } from '../supervision/backend-supervisor.js';
import type { UsageLedger } from './usage-ledger.js';

interface LoadedModel {
  supervisor: BackendSupervisor;
  model: ModelInfo;
  /** The usage ledger's key for this model on this backend. */
  key: string;
}

export interface LoadedModelsOptions {
  fleet: Fleet;
  management: BackendManagement;
  subjects: Subjects;
  usage: UsageLedger;
  /** Fleet-wide cap on loaded models (`orchestrator.max_loaded_models`). */
  maxLoaded: number | undefined;
  logger: Logger;
}

/**
 * Unloads models nobody uses. A model of an Ollama or LM Studio backend the orchestrator does
 * not run is unloaded once idle for the backend's `idle_ttl_ms` (managed ones are stopped whole
 * by the reaper). Over `max_loaded_models` in the fleet, the least recently used idle models go
 * first: Ollama and LM Studio unload them, a managed vLLM backend is stopped. A model with
 * requests in flight is never touched.
 */
export class LoadedModels {
  constructor(private readonly options: LoadedModelsOptions) {}

  /** Whether there is anything for it to do in this configuration. */
  get enabled(): boolean {
    return (
      this.options.maxLoaded !== undefined ||
      this.options.fleet.supervisors().some((s) => unloadsIdleModels(s))
    );
  }

  async apply(activity: ReadonlyMap<string, ModelActivity>): Promise<void> {
    const { usage, maxLoaded } = this.options;
    const loaded = await this.listLoaded();
    for (const entry of loaded) {
      usage.observe(entry.key, this.subjectsOf(entry), activity);
    }
    const unloaded = new Set<LoadedModel>();
    for (const entry of loaded) {
      const ttl = entry.supervisor.config.idle_ttl_ms;
      if (
        unloadsIdleModels(entry.supervisor) &&
        ttl !== undefined &&
        usage.isIdle(entry.key, ttl)
      ) {
        if (await this.unload(entry, `idle for ${ttl} ms`)) unloaded.add(entry);
      }
    }
    if (maxLoaded === undefined) return;
    let over = loaded.length - unloaded.size - maxLoaded;
    const idleFirst = loaded
      .filter((entry) => !unloaded.has(entry) && usage.isIdle(entry.key, 0))
      .sort((a, b) => usage.lastUsedAt(a.key) - usage.lastUsedAt(b.key));
    for (const entry of idleFirst) {
      if (over <= 0) break;
      if (await this.unload(entry, `over max_loaded_models (${maxLoaded})`)) over -= 1;
    }
  }

  private async listLoaded(): Promise<LoadedModel[]> {
    const running = this.options.fleet
      .supervisors()
      .filter((s) => s.current === 'ready' || s.current === 'unhealthy');
    const lists = await Promise.all(
      running.map(async (supervisor) => {
        const models = await this.options.management.models(supervisor.id).catch(() => []);
        return models
          .filter((model) => model.loaded)
          .map((model) => ({ supervisor, model, key: `${supervisor.id}/${model.name}` }));
      }),
    );
    return lists.flat();
  }

  private subjectsOf({ supervisor, model }: LoadedModel): string[] {
    const { subjects } = this.options;
    return modelNames(model).flatMap((name) =>
      INFERENCE_OPERATIONS.flatMap((op) => [
        subjects.inference(op, name),
        subjects.inference(op, name, supervisor.config.kind),
      ]),
    );
  }

  private async unload(entry: LoadedModel, why: string): Promise<boolean> {
    const { supervisor, model } = entry;
    const { logger } = this.options;
    try {
      if (supervisor.config.kind === 'vllm') {
        // vLLM serves the one model it started with: unloading it is stopping the process.
        if (supervisor.config.mode !== 'managed') return false;
        await supervisor.stop();
      } else {
        await this.options.management.unload(supervisor.id, model.name);
      }
      logger.info({ backend: supervisor.id, model: model.name, why }, 'unloaded a model');
      return true;
    } catch (error) {
      logger.warn({ err: error, backend: supervisor.id, model: model.name }, 'could not unload');
      return false;
    }
  }
}

/** Ollama and LM Studio backends the orchestrator does not run unload idle models one by one. */
function unloadsIdleModels(supervisor: BackendSupervisor): boolean {
  const { kind, mode, idle_ttl_ms: ttl } = supervisor.config;
  return mode !== 'managed' && ttl !== undefined && (kind === 'ollama' || kind === 'lmstudio');
}
