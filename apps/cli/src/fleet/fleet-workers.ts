import { workerListingOf, type BackendKind, type Subjects } from '@switchyard/contracts';
import { queryWorkerInfo, type NatsConnection, type ServiceInfo } from '@switchyard/nats';

/** One running worker process, as it describes itself on `$SRV.INFO`. */
export interface FleetWorker {
  /** The service name: `ollama-worker`, `lmstudio-worker`, `vllm-worker`. */
  name: string;
  /**
   * The worker's id (`ollama-worker-1a2b3c4d`), which its answers' `start` frames and its log
   * lines (`worker_id`) carry: the process's for life, where the micro service's instance id
   * changes whenever the worker registers anew (its models changed).
   */
  id: string;
  kind: BackendKind;
  /** The models it serves now, sorted, without the names that are only aliases of them. */
  models: string[];
}

/** A model the fleet serves now, the kinds of backend behind it and how many workers serve it. */
export interface ServedModel {
  model: string;
  kinds: BackendKind[];
  workers: number;
}

/** The longest wait for the first answers. */
const INFO_MAX_WAIT_MS = 2_000;

/**
 * Every worker that answers `$SRV.INFO` within `timeoutMs` (at most two seconds: workers answer
 * at once). Workers are NATS micro services whose endpoints carry `metadata.model`, so this is
 * what the fleet serves now, with no registry in between. No worker at all is an empty list.
 */
export async function listWorkers(
  nc: NatsConnection,
  subjects: Subjects,
  timeoutMs: number,
): Promise<FleetWorker[]> {
  const infos = await askWorkers(nc, subjects, timeoutMs);
  const workers = new Map<string, { name: string; kind: BackendKind; models: Set<string> }>();
  for (const info of infos) {
    const listing = workerListingOf(info);
    if (listing === undefined) continue;
    const { id, name, kind } = listing;
    // A worker caught between two registrations answers from both: it is one worker.
    const worker = workers.get(id) ?? { name, kind, models: new Set<string>() };
    for (const served of listing.models) {
      // A name that is only an alias (Ollama's bare `llama3.2`) routes, but is not a model.
      if (served.aliasOf === undefined) worker.models.add(served.model);
    }
    workers.set(id, worker);
  }
  return [...workers.entries()]
    .map(([id, { name, kind, models }]) => ({ name, id, kind, models: [...models].sort(byText) }))
    .sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id));
}

/**
 * A model to try a first chat with: `preferred` when some worker serves it, else the first by name
 * that generates text (not an embedding model), else `undefined`. `switchyard up` suggests it, so
 * that its example works with whatever the found servers hold.
 */
export async function chatModelToTry(
  nc: NatsConnection,
  subjects: Subjects,
  preferred: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const infos = await askWorkers(nc, subjects, timeoutMs);
  const chatModels = new Set<string>();
  for (const info of infos) {
    for (const served of workerListingOf(info)?.models ?? []) {
      if (served.aliasOf === undefined && served.capabilities.includes('completion')) {
        chatModels.add(served.model);
      }
    }
  }
  return chatModels.has(preferred) ? preferred : [...chatModels].sort(byText)[0];
}

/** The models a set of workers serves, sorted by name. */
export function servedModels(workers: readonly FleetWorker[]): ServedModel[] {
  const byModel = new Map<string, { kinds: Set<BackendKind>; workers: number }>();
  for (const worker of workers) {
    for (const model of worker.models) {
      const entry = byModel.get(model) ?? { kinds: new Set(), workers: 0 };
      entry.kinds.add(worker.kind);
      entry.workers += 1;
      byModel.set(model, entry);
    }
  }
  return [...byModel.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([model, entry]) => ({
      model,
      kinds: [...entry.kinds].sort(byText),
      workers: entry.workers,
    }));
}

/** The `$SRV.INFO` answers of the fleet's workers, those of other subject prefixes left out. */
function askWorkers(
  nc: NatsConnection,
  subjects: Subjects,
  timeoutMs: number,
): Promise<ServiceInfo[]> {
  return queryWorkerInfo(nc, {
    maxWaitMs: Math.min(timeoutMs, INFO_MAX_WAIT_MS),
    subjectPrefix: subjects.prefix,
  });
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
