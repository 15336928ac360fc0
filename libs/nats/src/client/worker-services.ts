import { Svcm, type ServiceInfo, type ServiceStats } from '@nats-io/services';
import { errors as natsErrors, type NatsConnection } from '@nats-io/transport-node';
import { workerServiceKind, workerSubjectPrefix } from '@switchyard/contracts';

/** After the last answer, how long to wait for more before the list is taken as complete. */
const STALL_MS = 100;

export interface WorkerQueryOptions {
  /** The longest wait for answers; workers answer at once, so a second is plenty. */
  maxWaitMs: number;
  /**
   * The fleet's subject prefix. Every micro service on the NATS account answers `$SRV` queries,
   * whatever its prefix, and a worker of another fleet serves nothing this one can reach.
   */
  subjectPrefix: string;
}

/**
 * What every worker process of the fleet says of itself on `$SRV.INFO`: its endpoints (one per
 * request subject, `metadata.model` naming the model) and `metadata.kind`. Other micro services
 * and the workers of other prefixes are left out; no worker at all is an empty list, and any
 * other failure is thrown.
 */
export function queryWorkerInfo(
  nc: NatsConnection,
  options: WorkerQueryOptions,
): Promise<ServiceInfo[]> {
  return collectWorkers(nc, options, (client) => client.info());
}

/** What every worker process counts on `$SRV.STATS`, per request subject (`data.in_flight`…). */
export function queryWorkerStats(
  nc: NatsConnection,
  options: WorkerQueryOptions,
): Promise<ServiceStats[]> {
  return collectWorkers(nc, options, (client) => client.stats());
}

async function collectWorkers<
  T extends { name: string; metadata?: Record<string, string> | undefined },
>(
  nc: NatsConnection,
  options: WorkerQueryOptions,
  ask: (client: ReturnType<Svcm['client']>) => Promise<AsyncIterable<T>>,
): Promise<T[]> {
  const client = new Svcm(nc).client({
    strategy: 'stall',
    stall: STALL_MS,
    maxWait: options.maxWaitMs,
  });
  const answers: T[] = [];
  try {
    for await (const answer of await ask(client)) {
      const ours = workerSubjectPrefix(answer) === options.subjectPrefix;
      if (ours && workerServiceKind(answer.name) !== undefined) answers.push(answer);
    }
  } catch (error) {
    // "No responders" is how NATS says no micro service runs at all.
    const noResponders =
      error instanceof natsErrors.NoRespondersError ||
      (error instanceof natsErrors.RequestError && error.isNoResponders());
    if (!noResponders) throw error;
  }
  return answers;
}
