import type { BackendStatus } from '@switchyard/contracts';
import type { BackendRow } from '../fleet/backend-rows.js';
import type { FleetWorker, ServedModel } from '../fleet/fleet-workers.js';
import { age, renderTable } from './table.js';

const NONE = '-';

const text = (value: string | number | null): string => (value === null ? NONE : String(value));

/** The backends table of `switchyard status`. */
export function backendsTable(rows: readonly BackendRow[], now = Date.now()): string {
  return renderTable(
    ['BACKEND', 'KIND', 'MODE', 'STATE', 'PID', 'RESTARTS', 'SINCE', 'HEALTH', 'MODELS', 'URL'],
    rows.map((row) => [
      row.backend,
      row.kind,
      text(row.mode),
      text(row.state),
      text(row.pid),
      text(row.restarts),
      row.since === null ? NONE : age(row.since, now),
      text(row.health),
      text(row.models),
      row.url,
    ]),
  );
}

/** The workers table of `switchyard status`. */
export function workersTable(workers: readonly FleetWorker[]): string {
  return renderTable(
    ['WORKER', 'ID', 'KIND', 'MODELS'],
    workers.map((worker) => [worker.name, worker.id, worker.kind, String(worker.models.length)]),
  );
}

/** `switchyard models`. */
export function modelsTable(models: readonly ServedModel[]): string {
  return renderTable(
    ['MODEL', 'KINDS', 'WORKERS'],
    models.map((model) => [model.model, model.kinds.join(','), String(model.workers)]),
  );
}

/** One backend's status after start, stop or restart: `sim-ollama ready (pid 4242, managed)`. */
export function statusLine(status: BackendStatus): string {
  const facts = [
    ...(status.pid === undefined ? [] : [`pid ${status.pid}`]),
    status.mode,
    ...(status.restarts > 0 ? [`${status.restarts} restarts`] : []),
  ];
  const message = status.message === undefined ? '' : `: ${status.message}`;
  return `${status.backend} ${status.state} (${facts.join(', ')})${message}`;
}
