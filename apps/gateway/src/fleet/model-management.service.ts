import { Inject, Injectable } from '@nestjs/common';
import {
  isRecord,
  modelNames,
  REQUEST_ID_HEADER,
  Subjects,
  SwitchyardError,
  type ModelInfo,
  type RegistryEntry,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import { RequestStreamClient } from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import { generateRequestId } from '../http/request-id.js';
import { FleetCatalogue } from './fleet-catalogue.service.js';
import { FleetRegistry } from './fleet-registry.service.js';

/** The Ollama model commands the gateway's Ollama API forwards (`pull` goes through the orchestrator). */
export type OllamaModelCommand = 'delete' | 'copy' | 'load' | 'unload';

/**
 * How long `/api/show` and `/api/ps` wait for an Ollama backend's answer before answering from
 * the fleet's listing: one small read, not worth the request timeout a generation gets.
 */
export const READ_TIMEOUT_MS = 5_000;

/** What the fleet can say of one model beyond its listing, for Ollama's `/api/show`. */
export interface ModelDescription {
  /** An Ollama backend's own `show` answer. */
  shown?: Record<string, unknown>;
  /** Without one: the registry's entry of the model on a vLLM or LM Studio backend. */
  registered?: ModelInfo;
}

/** What the fleet's backends hold in memory, for Ollama's `/api/ps`. */
export interface RunningModels {
  /** Each Ollama backend's own `/api/ps` entries. */
  ollama: Record<string, unknown>[];
  /** The models vLLM and LM Studio backends have loaded, by every name they answer to. */
  loadedElsewhere: ReadonlySet<string>;
}

/** What a command did across the fleet: changed at least one backend, or found the model nowhere. */
export type CommandOutcome = 'done' | 'missing';

/**
 * Forwards Ollama model commands to the workers that manage the backends
 * (`<prefix>.v1.backend.<id>.<command>`), choosing the backends from the fleet registry: every
 * Ollama backend that lists the model. When none lists it, the registry may be behind (a model
 * pulled or copied since discovery's last look), so every Ollama backend is asked and each
 * answers for itself. A command reaches every holder, so that after a delete no Ollama backend
 * still serves the model, after a copy the new name is served wherever the old one was, and after
 * a load whichever holder the next request is routed to has the model in memory.
 */
@Injectable()
export class ModelManagement {
  private readonly timeoutMs: number;

  constructor(
    private readonly client: RequestStreamClient,
    private readonly subjects: Subjects,
    private readonly registry: FleetRegistry,
    private readonly catalogue: FleetCatalogue,
    @Inject(SERVICE_CONFIG) config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.timeoutMs = config.gateway.request_timeout_ms;
  }

  /**
   * Runs `command` with `fields` on the Ollama backends holding `model`. Resolves `missing` when
   * no backend has it; throws the first failure that is not "no such model" (naming its backend).
   */
  async run(
    command: OllamaModelCommand,
    model: string,
    fields: Record<string, unknown>,
    requestId: string,
  ): Promise<CommandOutcome> {
    return this.runOn(await this.registry.reachable(), command, model, fields, requestId);
  }

  /**
   * Loads `model` on the Ollama backends holding it, as {@link run} does. A load only warms what
   * the first request would load anyway, so without a registry to say where (no discovery, or no
   * JetStream) nothing is loaded and the outcome is `missing`, where other commands fail.
   */
  async load(
    model: string,
    fields: Record<string, unknown>,
    requestId: string,
  ): Promise<CommandOutcome> {
    const entries = await this.reachableIfKept();
    if (entries === undefined) return 'missing';
    return this.runOn(entries, 'load', model, fields, requestId);
  }

  /**
   * What the fleet can say of a model for `/api/show`, from one read of the registry: an Ollama
   * backend holding it describes it itself (`show`: details, template, parameters, `model_info`);
   * otherwise the registry's entry of it on a reachable vLLM or LM Studio backend (context
   * length; LM Studio's architecture), preferring one that names the architecture. Empty without
   * a registry, or with neither: the caller describes the model from the fleet's listing then, so
   * a description never fails a model that is served.
   *
   * Holders are asked in turn within one {@link READ_TIMEOUT_MS}: a holder whose worker is gone
   * says so at once (no responders) and the next is asked; a silent one uses up the bound.
   */
  async describe(
    model: { name: string; ollamaName: string },
    requestId: string,
  ): Promise<ModelDescription> {
    const entries = await this.reachableIfKept();
    if (entries === undefined) return {};
    const holders = entries.filter(
      (entry) => entry.kind === 'ollama' && holds(entry, model.ollamaName),
    );
    const deadline = Date.now() + READ_TIMEOUT_MS;
    for (const holder of holders) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const fields = { model: model.ollamaName };
      const shown = await this.resultOf(holder.id, 'show', fields, requestId, left);
      if (isRecord(shown)) return { shown };
    }
    const infos = entries
      .filter((entry) => entry.kind !== 'ollama')
      .flatMap((entry) => entry.models)
      .filter((info) => modelNames(info).includes(model.name));
    const registered = infos.find((info) => info.architecture !== undefined) ?? infos[0];
    return registered === undefined ? {} : { registered };
  }

  /**
   * What the backends have in memory now; `undefined` without a registry to say which backends
   * there are. Ollama backends are asked (`ps`: their own `/api/ps` entries, with expiry and
   * sizes), all at once; a backend that cannot answer is left out, so its models show as not in
   * memory, which is what a request to them would find out first anyway. For the other kinds the
   * registry's `loaded` flags say it, as discovery last saw them (vLLM always has its model
   * loaded; LM Studio, the models with a loaded instance).
   */
  async running(requestId: string): Promise<RunningModels | undefined> {
    const entries = await this.reachableIfKept();
    if (entries === undefined) return undefined;
    const ollama = entries.filter((entry) => entry.kind === 'ollama');
    const answers = await Promise.all(
      ollama.map((entry) => this.resultOf(entry.id, 'ps', {}, requestId)),
    );
    const loadedElsewhere = new Set(
      entries
        .filter((entry) => entry.kind !== 'ollama')
        .flatMap((entry) => entry.models.filter((model) => model.loaded))
        .flatMap(modelNames),
    );
    return {
      ollama: answers.flatMap((answer) => {
        const models = isRecord(answer) ? answer['models'] : undefined;
        return Array.isArray(models) ? models.filter(isRecord) : [];
      }),
      loadedElsewhere,
    };
  }

  /**
   * The `result` a backend's worker answers a read-only command with, within `timeoutMs` (at
   * most {@link READ_TIMEOUT_MS}); `undefined` (logged) when it has none to give.
   */
  private async resultOf(
    backend: string,
    command: 'show' | 'ps',
    fields: Record<string, unknown>,
    requestId: string,
    timeoutMs = READ_TIMEOUT_MS,
  ): Promise<unknown> {
    const request = Object.assign({}, fields, { id: generateRequestId() });
    try {
      const answer = await this.client.collect(
        this.subjects.management(backend, command),
        request,
        {
          timeoutMs: Math.min(this.timeoutMs, timeoutMs),
          headers: { [REQUEST_ID_HEADER]: requestId },
        },
      );
      return answer.deltas.find((delta) => delta.result !== undefined)?.result;
    } catch (error) {
      this.logger.warn(
        { err: error, request_id: requestId, command, backend },
        `backend ${backend} did not answer ${command}`,
      );
      return undefined;
    }
  }

  /** The reachable backends, or `undefined` when no registry is kept (no discovery, no JetStream). */
  private async reachableIfKept(): Promise<RegistryEntry[] | undefined> {
    try {
      return await this.registry.reachable();
    } catch (error) {
      if (error instanceof SwitchyardError && error.code === 'backend_unavailable')
        return undefined;
      throw error;
    }
  }

  private async runOn(
    entries: readonly RegistryEntry[],
    command: OllamaModelCommand,
    model: string,
    fields: Record<string, unknown>,
    requestId: string,
  ): Promise<CommandOutcome> {
    const ollama = entries.filter((entry) => entry.kind === 'ollama');
    const holders = ollama.filter((entry) => holds(entry, model));
    const targets = holders.length > 0 ? holders : ollama;
    const natsId = generateRequestId();
    const outcomes = await Promise.all(
      targets.map((entry, index) =>
        this.send(
          entry.id,
          command,
          Object.assign({}, fields, { id: `${natsId}-${index + 1}` }),
          requestId,
        ).then(
          () => undefined,
          (error: unknown) => SwitchyardError.from(error),
        ),
      ),
    );
    let done = false;
    let failure: SwitchyardError | undefined;
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome === undefined) {
        done = true;
        continue;
      }
      if (outcome.code === 'model_not_found') continue;
      // Only configured backends have a worker that manages them; one found on a well-known
      // port may not. When the registry did not point at it, its silence says nothing.
      if (outcome.code === 'no_responders' && holders.length === 0) continue;
      const backend = (targets[index] as RegistryEntry).id;
      failure ??= describe(outcome, backend);
    }
    if (done) this.catalogue.forget();
    if (failure !== undefined) throw failure;
    this.logger.info({ request_id: requestId, command, model, done }, 'model command forwarded');
    return done ? 'done' : 'missing';
  }

  private async send(
    backend: string,
    command: OllamaModelCommand,
    request: Record<string, unknown> & { id: string },
    requestId: string,
  ): Promise<void> {
    await this.client.collect(this.subjects.management(backend, command), request, {
      timeoutMs: this.timeoutMs,
      headers: { [REQUEST_ID_HEADER]: requestId },
    });
  }
}

function holds(entry: RegistryEntry, model: string): boolean {
  return entry.models.some((candidate) => candidate.name === model);
}

function describe(error: SwitchyardError, backend: string): SwitchyardError {
  const message =
    error.code === 'no_responders'
      ? `no worker manages backend ${backend}: add it to a worker's backends to manage its models`
      : `backend ${backend}: ${error.message}`;
  return new SwitchyardError(error.code, message, {
    cause: error,
    retryable: error.retryable,
    details: Object.assign({}, error.details, { backend }),
  });
}
