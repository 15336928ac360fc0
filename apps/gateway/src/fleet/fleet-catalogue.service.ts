import { Inject, Injectable } from '@nestjs/common';
import {
  agreedDetails,
  MODEL_CAPABILITIES,
  workerListingOf,
  type BackendKind,
  type ModelCapability,
  type ModelDetails,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import {
  ConnectionWatch,
  NATS_CONNECTION,
  queryWorkerInfo,
  type NatsConnection,
  type ServiceInfo,
} from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import { OrchestratorClient } from '../orchestration/orchestrator-client.service.js';
import { resolveTarget } from '../routing/model-route.js';
import { CachedQuery } from './cached-query.js';
import { WorkerSightings } from './worker-sightings.js';

/** A model the fleet can serve now (or, listed, start for a request), and its kinds of backend. */
export interface FleetModel {
  id: string;
  kinds: BackendKind[];
  /** Worker instances serving it: 0 for a model a managed backend would start. */
  workers: number;
  /** What it can do, as its workers' backends list it (empty from workers that do not say). */
  capabilities: ModelCapability[];
  /** Its family, format, size and quantization, where the workers serving it agree on them. */
  details: ModelDetails;
  /**
   * The model this name is only an alias of (Ollama's bare `llama3.2` for `llama3.2:latest`),
   * when every worker serving it says so: it routes, but listings show the model once.
   */
  aliasOf?: string;
  /** For a name of `gateway.aliases`: the model it routes to, whose entry this one copies. */
  servedAs?: string;
}

/** How long a listing is reused: model lists change in seconds, requests come in milliseconds. */
export const CATALOGUE_TTL_MS = 2_000;
/** How long the listing waits for workers to answer `$SRV.INFO`, and the orchestrator `status`. */
const INFO_MAX_WAIT_MS = 1_000;
/**
 * How long a worker that stopped answering stays listed from its last answer: two listings' worth,
 * so one answer that came too late does not drop its models, and a worker that is gone is
 * unlisted within seconds.
 */
export const WORKER_ABSENCE_GRACE_MS = 2 * CATALOGUE_TTL_MS + INFO_MAX_WAIT_MS;

/**
 * What the fleet can serve, asked of the workers themselves: each worker is a NATS micro service
 * whose endpoints carry `metadata.model`, so `$SRV.INFO` lists every served model with no
 * registry in between. Cached briefly; concurrent callers share one query.
 */
@Injectable()
export class FleetCatalogue {
  private readonly served = new CachedQuery(CATALOGUE_TTL_MS, () => this.query());
  /** The models managed backends are configured with, by name, as the orchestrator says. */
  private readonly configured = new CachedQuery(CATALOGUE_TTL_MS, () => this.queryConfigured());
  private readonly sightings = new WorkerSightings(WORKER_ABSENCE_GRACE_MS);

  private readonly aliases: Readonly<Record<string, string>>;
  private readonly subjectPrefix: string;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly connection: ConnectionWatch,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: SwitchyardConfig,
    private readonly orchestrator: OrchestratorClient,
  ) {
    this.aliases = config.gateway.aliases;
    this.subjectPrefix = config.nats.subject_prefix;
  }

  models(options: { fresh?: boolean } = {}): Promise<FleetModel[]> {
    return this.served.get(options);
  }

  /**
   * The models to list to clients: each once, so without the names that are only aliases. With
   * `startable`, also those no worker serves that a managed backend is configured with: a request
   * for one starts that backend, so a client picking from the list must see it although the
   * backend is stopped (idle, or not started yet). `/api/ps`, which shows what is loaded, does not.
   */
  async listed(options: { startable?: boolean } = {}): Promise<FleetModel[]> {
    if (options.startable !== true) {
      return (await this.models()).filter((model) => model.aliasOf === undefined);
    }
    const [served, configured] = await Promise.all([this.models(), this.configured.get()]);
    const listed = served.filter((model) => model.aliasOf === undefined);
    const startable = this.startable(served, configured);
    return startable.length === 0 ? listed : [...listed, ...startable].sort(compareIds);
  }

  /** A model of the listing (see {@link listed}), served or startable. */
  async findListed(id: string): Promise<FleetModel | undefined> {
    return (
      (await this.find(id)) ?? (await this.listed({ startable: true })).find((m) => m.id === id)
    );
  }

  /** Drops the cached listing: the fleet's models just changed (a model was copied or deleted). */
  forget(): void {
    this.served.forget();
  }

  /**
   * The model a name stands for as the last listing had it (`llama3.2:latest` for Ollama's bare
   * `llama3.2`), or the name itself: read without asking the fleet, for the request metrics,
   * whose model label must be the one the token counts (from the worker's end frame) carry.
   */
  ownName(name: string): string {
    return this.served.latest()?.find((model) => model.id === name)?.aliasOf ?? name;
  }

  async find(id: string, options: { fresh?: boolean } = {}): Promise<FleetModel | undefined> {
    return (await this.models(options)).find((model) => model.id === id);
  }

  /** The configured models of managed backends that no name in `served` stands for. */
  private startable(
    served: readonly FleetModel[],
    configured: ReadonlyMap<string, ReadonlySet<BackendKind>>,
  ): FleetModel[] {
    const taken = new Set(served.map((model) => model.id));
    const models: FleetModel[] = [];
    for (const [id, kinds] of configured) {
      if (taken.has(id)) continue;
      models.push({ id, kinds: [...kinds].sort(), workers: 0, capabilities: [], details: {} });
    }
    return withConfiguredAliases(models, this.aliases).filter((model) => !taken.has(model.id));
  }

  private async queryConfigured(): Promise<Map<string, Set<BackendKind>>> {
    const kinds = new Map<string, Set<BackendKind>>();
    try {
      // Undefined when no orchestrator answers: then nothing can be started, and none is listed.
      const statuses = await this.orchestrator.status({ timeoutMs: INFO_MAX_WAIT_MS });
      for (const status of statuses ?? []) {
        for (const model of status.models ?? []) {
          kinds.set(model, (kinds.get(model) ?? new Set()).add(status.kind));
        }
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'the orchestrator did not say what it can start');
    }
    return kinds;
  }

  private async query(): Promise<FleetModel[]> {
    // Asked while NATS is gone, no worker could answer: that is an outage, not an empty fleet.
    await this.connection.connected();
    let infos: ServiceInfo[] = [];
    try {
      infos = await queryWorkerInfo(this.nc, {
        maxWaitMs: INFO_MAX_WAIT_MS,
        subjectPrefix: this.subjectPrefix,
      });
    } catch (error) {
      // A listing that fails is an empty fleet for now; the next one asks again.
      this.logger.debug({ err: error }, 'fleet listing got no answer');
    }
    return withConfiguredAliases(modelsOf(this.sightings.update(infos)), this.aliases);
  }
}

/** The models in a set of `$SRV.INFO` answers from workers, sorted by name. */
export function modelsOf(infos: readonly ServiceInfo[]): FleetModel[] {
  const byModel = new Map<
    string,
    {
      kinds: Set<BackendKind>;
      workers: Set<string>;
      capabilities: Set<ModelCapability>;
      details: ModelDetails[];
      /** Set while every endpoint so far said the name is an alias; `null` once one did not. */
      aliasOf: string | null | undefined;
    }
  >();
  for (const info of infos) {
    const worker = workerListingOf(info);
    if (worker === undefined) continue;
    for (const served of worker.models) {
      const entry = byModel.get(served.model) ?? {
        kinds: new Set(),
        workers: new Set(),
        capabilities: new Set(),
        details: [],
        aliasOf: undefined,
      };
      entry.aliasOf =
        served.aliasOf === undefined || entry.aliasOf === null ? null : served.aliasOf;
      entry.kinds.add(worker.kind);
      entry.workers.add(worker.id);
      for (const capability of served.capabilities) entry.capabilities.add(capability);
      entry.details.push(served.details);
      byModel.set(served.model, entry);
    }
  }
  return [...byModel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, entry]) => ({
      id,
      kinds: [...entry.kinds].sort(),
      workers: entry.workers.size,
      capabilities: MODEL_CAPABILITIES.filter((capability) => entry.capabilities.has(capability)),
      details: agreedDetails(entry.details),
      ...(typeof entry.aliasOf === 'string' ? { aliasOf: entry.aliasOf } : {}),
    }));
}

/**
 * The fleet's models with the names of `gateway.aliases` whose model is served, each listed as
 * that model (its kinds: the one the alias pins, if it pins one), so clients that pick a model
 * from the listing can pick an alias. An alias whose model no worker serves is left out: it would
 * not answer. A name the workers serve themselves is theirs, and is not listed twice.
 */
export function withConfiguredAliases(
  models: readonly FleetModel[],
  aliases: Readonly<Record<string, string>>,
): FleetModel[] {
  const byId = new Map(models.map((model) => [model.id, model]));
  const added: FleetModel[] = [];
  for (const alias of Object.keys(aliases)) {
    if (byId.has(alias)) continue;
    const target = resolveTarget(alias, { aliases, fallbacks: {} });
    const served = byId.get(target.model);
    if (served === undefined) continue;
    if (target.kind !== undefined && !served.kinds.includes(target.kind)) continue;
    // Listed even where the model is Ollama's bare alias: the configured name is the client's.
    const { aliasOf, ...entry } = served;
    added.push(
      Object.assign({}, entry, {
        id: alias,
        kinds: target.kind === undefined ? served.kinds : [target.kind],
        servedAs: aliasOf ?? served.id,
      }),
    );
  }
  return [...models, ...added].sort(compareIds);
}

function compareIds(a: FleetModel, b: FleetModel): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
