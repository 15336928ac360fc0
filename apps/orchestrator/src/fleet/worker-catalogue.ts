import {
  INFERENCE_OPERATIONS,
  workerServiceKind,
  type BackendKind,
  type Subjects,
} from '@switchyard/contracts';
import {
  queryWorkerInfo,
  queryWorkerStats,
  type NatsConnection,
  type WorkerQueryOptions,
} from '@switchyard/nats';

/** How long a `$SRV` query waits for workers. */
const QUERY_MAX_WAIT_MS = 1_000;

/** What the workers report for the request subjects of one model. */
export interface ModelActivity {
  /** Requests being answered now, over all workers. */
  inFlight: number;
  /** Requests ever answered, over all workers (grows while the model is used). */
  requests: number;
}

/**
 * What the workers serve and how busy they are, asked of the workers themselves through the NATS
 * micro-service protocol: `$SRV.INFO` lists their request subjects, `$SRV.STATS` their in-flight
 * and total requests per subject.
 */
export class WorkerCatalogue {
  private readonly query: WorkerQueryOptions;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
  ) {
    this.query = { maxWaitMs: QUERY_MAX_WAIT_MS, subjectPrefix: subjects.prefix };
  }

  /** The kind of a worker that serves `model` now (pinned to `kind`, when given), if any does. */
  async servingKind(model: string, kind?: BackendKind): Promise<BackendKind | undefined> {
    const wanted = new Set(
      INFERENCE_OPERATIONS.map((operation) => this.subjects.inference(operation, model, kind)),
    );
    const infos = await queryWorkerInfo(this.nc, this.query).catch(() => []);
    for (const info of infos) {
      if (info.endpoints.some((endpoint) => wanted.has(endpoint.subject))) {
        return workerServiceKind(info.name);
      }
    }
    return undefined;
  }

  /** Activity per request subject, summed over the workers. */
  async activity(): Promise<Map<string, ModelActivity>> {
    const bySubject = new Map<string, ModelActivity>();
    // A failed read is no activity seen; the next poll reads again.
    for (const stats of await queryWorkerStats(this.nc, this.query).catch(() => [])) {
      for (const endpoint of stats.endpoints ?? []) {
        const data = endpoint.data as { in_flight?: unknown } | undefined;
        const inFlight = typeof data?.in_flight === 'number' ? data.in_flight : 0;
        const entry = bySubject.get(endpoint.subject) ?? { inFlight: 0, requests: 0 };
        entry.inFlight += inFlight;
        entry.requests += endpoint.num_requests;
        bySubject.set(endpoint.subject, entry);
      }
    }
    return bySubject;
  }
}
