import {
  agreedDetails,
  MODEL_CAPABILITIES,
  modelCapabilities,
  modelDetails,
  modelNames,
  SwitchyardError,
  type ModelCapability,
  type ModelDetails,
  type ModelInfo,
} from '@switchyard/contracts';
import { deadlineSignal } from '@switchyard/service';
import type { BackendAdapter, BackendEndpoint } from '../backend-adapter.js';

export interface ModelDirectoryChange {
  /** Models that became servable. */
  added: string[];
  /** Models no endpoint serves any more. */
  removed: string[];
}

export interface EndpointStatus {
  endpoint: BackendEndpoint;
  /** Whether the last listing succeeded. */
  reachable: boolean;
  /** What it serves: its last listing, kept through a few slow ones (see {@link ModelDirectory}). */
  models: ModelInfo[];
  /**
   * The names (and aliases) of the models its last listing had not loaded into memory: a request
   * for one waits while the backend loads it. A model leaves once a request got output from it.
   */
  cold: Set<string>;
  /** Listings in a row that failed. */
  failedListings: number;
  /** The failed listings in a row that the last listing ended by succeeding; 0 if it ended none. */
  endedRun: number;
  /**
   * A request found nothing answering at it (`backend_unavailable`) since its last listing: it
   * is offered after the other endpoints of its models until it lists again (see `setAside`).
   */
  setAside: boolean;
  lastError?: unknown;
}

/**
 * Listings in a row an answering backend may fail (too slow, or an error status) and keep its
 * models: with the default refresh interval, 15 s of a backend too busy to list, then it counts
 * as gone.
 */
export const SLOW_LISTINGS_KEPT = 3;

/**
 * Which models this worker's endpoints can serve now, under their names and aliases. `refresh()`
 * asks every endpoint for its models (all at once, each bounded by a timeout) and reports what
 * changed.
 *
 * An endpoint that nothing answers at (refused, unreachable: `backend_unavailable`) serves
 * nothing until it can be listed again, so requests go to workers whose backends are up. One that
 * answers, but too slowly or with an error, is most often a backend busy generating (vLLM under
 * load answers its model list late): it keeps its last listing for up to
 * {@link SLOW_LISTINGS_KEPT} failed listings in a row, for dropping it would turn every request
 * for its models into "model not found" while it is doing exactly that work.
 *
 * Between listings, a request can be the first to find an endpoint gone: `setAside` then sends
 * that endpoint's requests to the others that serve the same model until it lists again.
 */
export class ModelDirectory {
  private status = new Map<string, EndpointStatus>();
  private servable = new Map<string, BackendEndpoint[]>();
  /** What each servable name can do, from the same listings as `servable`. */
  private capabilities = new Map<string, readonly ModelCapability[]>();
  /** What the same listings agree on of each servable name's family, format, size, quantization. */
  private details = new Map<string, ModelDetails>();
  /** Servable names that no endpoint lists as a model of its own, and the model each stands for. */
  private aliases = new Map<string, string>();

  constructor(
    private readonly adapter: BackendAdapter,
    endpoints: readonly BackendEndpoint[],
    private readonly listTimeoutMs: number,
  ) {
    for (const endpoint of endpoints) this.status.set(endpoint.id, unlisted(endpoint));
  }

  /**
   * Replaces the endpoint list; an endpoint kept (same id and URL) keeps what it last listed.
   * The models of new endpoints count from the next `refresh()`.
   */
  setEndpoints(endpoints: readonly BackendEndpoint[]): void {
    const next = new Map<string, EndpointStatus>();
    for (const endpoint of endpoints) {
      const kept = this.status.get(endpoint.id);
      if (kept !== undefined && kept.endpoint.url === endpoint.url) {
        // The same status, not a copy: a listing under way writes its outcome there, and the
        // refresh it belongs to reads it from this map.
        kept.endpoint = endpoint;
        next.set(endpoint.id, kept);
      } else {
        next.set(endpoint.id, unlisted(endpoint));
      }
    }
    this.status = next;
  }

  /**
   * The endpoints that serve a model now, in configuration order, those set aside last. The
   * array is the directory's own, built when the set changes: requests read it as it is.
   */
  endpointsFor(model: string): readonly BackendEndpoint[] {
    return this.servable.get(model) ?? [];
  }

  /** Whether a request found nothing answering at the endpoint since its last listing. */
  isSetAside(endpoint: BackendEndpoint): boolean {
    return this.status.get(endpoint.id)?.setAside === true;
  }

  models(): string[] {
    return [...this.servable.keys()];
  }

  /**
   * The model a served name stands for when it is only an alias (Ollama's bare `llama3.2` for
   * `llama3.2:latest`), so listings can show each model once; `undefined` for a model's own name,
   * even where another endpoint uses the same name as an alias.
   */
  aliasOf(name: string): string | undefined {
    return this.aliases.get(name);
  }

  /** What a served model can do, as every endpoint listing it under that name says together. */
  capabilitiesOf(model: string): readonly ModelCapability[] {
    return this.capabilities.get(model) ?? [];
  }

  /** The details every endpoint listing a served model under that name agrees on. */
  detailsOf(model: string): ModelDetails {
    return this.details.get(model) ?? {};
  }

  /** Whether `endpoint` had `model` unloaded at its last listing (and has not served it since). */
  isCold(endpoint: BackendEndpoint, model: string): boolean {
    return this.status.get(endpoint.id)?.cold.has(model) === true;
  }

  /** `endpoint` answered a request for `model`: it is loaded now, whatever its listing said. */
  markLoaded(endpoint: BackendEndpoint, model: string): void {
    const status = this.status.get(endpoint.id);
    const info = status?.models.find((listed) => modelNames(listed).includes(model));
    for (const name of info === undefined ? [model] : modelNames(info)) status?.cold.delete(name);
  }

  endpoints(): EndpointStatus[] {
    return [...this.status.values()];
  }

  /**
   * A request found nothing answering at `endpoint` (refused, unreachable): until its next
   * listing it comes after every other endpoint of its models, so that their requests, and the
   * caller's retry of this one, go to backends that answer. It stays listed: where it is the only
   * endpoint of a model, requests still go to it (and fail saying why) until the next listing, so
   * one that is back by then is served as if it had never gone. Returns whether this set it aside
   * (false: it already was, or is unknown).
   */
  setAside(endpoint: BackendEndpoint): boolean {
    const status = this.status.get(endpoint.id);
    if (status === undefined || status.setAside) return false;
    status.setAside = true;
    for (const [name, endpoints] of this.servable) {
      if (endpoints.length > 1 && endpoints.some((served) => served.id === endpoint.id)) {
        this.servable.set(name, lastIfSetAside(endpoints, this.status));
      }
    }
    return true;
  }

  /** Lists every endpoint again; `signal` abandons the listings in progress (on shutdown). */
  async refresh(signal?: AbortSignal): Promise<ModelDirectoryChange> {
    await Promise.all([...this.status.values()].map((status) => this.list(status, signal)));
    const next = new Map<string, BackendEndpoint[]>();
    const found = new Map<string, Set<ModelCapability>>();
    const listed = new Map<string, ModelDetails[]>();
    const aliases = new Map<string, string>();
    const named = new Set<string>();
    for (const { endpoint, models } of this.status.values()) {
      for (const model of models) {
        const capabilities = modelCapabilities(model);
        const details = modelDetails(model);
        named.add(model.name);
        for (const alias of model.aliases ?? []) aliases.set(alias, model.name);
        for (const name of modelNames(model)) {
          next.set(name, [...(next.get(name) ?? []), endpoint]);
          const known = found.get(name) ?? new Set();
          for (const capability of capabilities) known.add(capability);
          found.set(name, known);
          listed.set(name, [...(listed.get(name) ?? []), details]);
        }
      }
    }
    for (const name of named) aliases.delete(name);
    for (const [name, endpoints] of next) next.set(name, lastIfSetAside(endpoints, this.status));
    const added = [...next.keys()].filter((model) => !this.servable.has(model));
    const removed = [...this.servable.keys()].filter((model) => !next.has(model));
    this.servable = next;
    this.aliases = aliases;
    this.capabilities = new Map(
      [...found].map(([name, known]) => [name, MODEL_CAPABILITIES.filter((c) => known.has(c))]),
    );
    this.details = new Map([...listed].map(([name, all]) => [name, agreedDetails(all)]));
    return { added, removed };
  }

  private async list(status: EndpointStatus, signal: AbortSignal | undefined): Promise<void> {
    // Not `AbortSignal.any([AbortSignal.timeout(…), signal])`: `signal` lives as long as the
    // worker, and Node keeps every signal `any` made from it (see `deadlineSignal`).
    const deadline = deadlineSignal(this.listTimeoutMs, signal);
    try {
      status.models = await this.adapter.listModels(status.endpoint, deadline.signal);
      status.cold = new Set(status.models.filter((model) => !model.loaded).flatMap(modelNames));
      status.reachable = true;
      status.endedRun = status.failedListings;
      status.failedListings = 0;
      status.setAside = false;
      delete status.lastError;
    } catch (error) {
      status.reachable = false;
      status.lastError = error;
      status.endedRun = 0;
      status.failedListings += 1;
      const answering = SwitchyardError.from(error).code !== 'backend_unavailable';
      if (!answering || status.failedListings > SLOW_LISTINGS_KEPT) {
        status.models = [];
        status.cold = new Set();
      }
    } finally {
      deadline.release();
    }
  }
}

function unlisted(endpoint: BackendEndpoint): EndpointStatus {
  return {
    endpoint,
    reachable: false,
    models: [],
    cold: new Set(),
    failedListings: 0,
    endedRun: 0,
    setAside: false,
  };
}

/** The endpoints in their order, those set aside moved to the end (the same array if none is). */
function lastIfSetAside(
  endpoints: BackendEndpoint[],
  status: ReadonlyMap<string, EndpointStatus>,
): BackendEndpoint[] {
  const setAside = (endpoint: BackendEndpoint): boolean =>
    status.get(endpoint.id)?.setAside === true;
  if (!endpoints.some(setAside)) return endpoints;
  return [...endpoints.filter((endpoint) => !setAside(endpoint)), ...endpoints.filter(setAside)];
}
