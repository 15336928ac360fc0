import type { ModelInfo } from '@switchyard/contracts';
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
  models: ModelInfo[];
  lastError?: unknown;
}

/**
 * Which models this worker's endpoints can serve now, under their names and aliases. `refresh()` asks every endpoint for its
 * models (all at once, each bounded by a timeout) and reports what changed; an endpoint that
 * cannot be listed serves nothing until it can, so requests go to workers whose backends are up.
 */
export class ModelDirectory {
  private status = new Map<string, EndpointStatus>();
  private servable = new Map<string, BackendEndpoint[]>();

  constructor(
    private readonly adapter: BackendAdapter,
    endpoints: readonly BackendEndpoint[],
    private readonly listTimeoutMs: number,
  ) {
    for (const endpoint of endpoints)
      this.status.set(endpoint.id, { endpoint, reachable: false, models: [] });
  }

  /**
   * Replaces the endpoint list; an endpoint kept (same id and URL) keeps what it last listed.
   * The models of new endpoints count from the next `refresh()`.
   */
  setEndpoints(endpoints: readonly BackendEndpoint[]): void {
    const next = new Map<string, EndpointStatus>();
    for (const endpoint of endpoints) {
      const kept = this.status.get(endpoint.id);
      next.set(
        endpoint.id,
        kept !== undefined && kept.endpoint.url === endpoint.url
          ? { ...kept, endpoint }
          : { endpoint, reachable: false, models: [] },
      );
    }
    this.status = next;
  }

  /** The endpoints that serve a model now, in configuration order. */
  endpointsFor(model: string): readonly BackendEndpoint[] {
    return this.servable.get(model) ?? [];
  }

  models(): string[] {
    return [...this.servable.keys()];
  }

  endpoints(): EndpointStatus[] {
    return [...this.status.values()];
  }

  async refresh(): Promise<ModelDirectoryChange> {
    await Promise.all([...this.status.values()].map((status) => this.list(status)));
    const next = new Map<string, BackendEndpoint[]>();
    for (const { endpoint, reachable, models } of this.status.values()) {
      if (!reachable) continue;
      for (const model of models) {
        for (const name of [model.name, ...(model.aliases ?? [])]) {
          next.set(name, [...(next.get(name) ?? []), endpoint]);
        }
      }
    }
    const added = [...next.keys()].filter((model) => !this.servable.has(model));
    const removed = [...this.servable.keys()].filter((model) => !next.has(model));
    this.servable = next;
    return { added, removed };
  }

  private async list(status: EndpointStatus): Promise<void> {
    try {
      status.models = await this.adapter.listModels(
        status.endpoint,
        AbortSignal.timeout(this.listTimeoutMs),
      );
      status.reachable = true;
      delete status.lastError;
    } catch (error) {
      status.models = [];
      status.reachable = false;
      status.lastError = error;
    }
  }
}
