import { registrySnapshotSchema, statusAnswerSchema } from '@switchyard/contracts';
import { EXIT, UnavailableError } from '../cli/cli-errors.js';
import { joinBackends } from '../fleet/backend-rows.js';
import { parseFleetArgs, QUERY_TIMEOUT_MS } from '../fleet/fleet-options.js';
import { listWorkers } from '../fleet/fleet-workers.js';
import { withSession } from '../fleet/nats-session.js';
import { backendsTable, workersTable } from '../output/fleet-tables.js';
import { writeJson, writeLine, writeNote } from '../output/write.js';

/**
 * `switchyard status`: every backend the orchestrator knows (mode, state, pid, restarts, since)
 * joined with discovery's health and model count, and the workers running. When the orchestrator
 * or discovery does not answer, it shows what the other said and exits 69 naming the missing one.
 */
export async function status(args: readonly string[]): Promise<number> {
  const { options } = parseFleetArgs({ name: 'status' }, args);
  const timeoutMs = options.timeoutMs ?? QUERY_TIMEOUT_MS;
  return withSession(options.configFile, async (session) => {
    const { subjects } = session;
    const [orchestrator, discovery, workers] = await Promise.allSettled([
      session.request(
        'orchestrator',
        subjects.orchestrator('status'),
        {},
        statusAnswerSchema,
        timeoutMs,
      ),
      session.request(
        'discovery',
        subjects.discoverySnapshot,
        {},
        registrySnapshotSchema,
        timeoutMs,
      ),
      listWorkers(session.nc, session.subjects, timeoutMs),
    ]);
    const missing: UnavailableError[] = [];
    const answer = <T>(settled: PromiseSettledResult<T>): T | undefined => {
      if (settled.status === 'fulfilled') return settled.value;
      if (settled.reason instanceof UnavailableError) missing.push(settled.reason);
      else throw settled.reason;
      return undefined;
    };
    const statuses = answer(orchestrator)?.backends;
    const registry = answer(discovery)?.backends;
    const running = answer(workers) ?? [];
    if (statuses !== undefined || registry !== undefined) {
      const backends = joinBackends(statuses, registry);
      if (options.json) writeJson({ backends, workers: running });
      else {
        writeLine(
          backends.length === 0 ? 'no backends configured or discovered' : backendsTable(backends),
        );
        writeLine('');
        writeLine(running.length === 0 ? 'no workers running' : workersTable(running));
      }
    }
    for (const error of missing) writeNote(error.message);
    return missing.length === 0 ? EXIT.ok : EXIT.unavailable;
  });
}
