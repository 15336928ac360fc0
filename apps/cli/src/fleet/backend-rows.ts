import type {
  BackendKind,
  BackendMode,
  BackendStatus,
  HealthState,
  LifecycleState,
  RegistryEntry,
} from '@switchyard/contracts';

/**
 * One backend as `switchyard status` shows it: what the orchestrator says about its process,
 * joined by id with what discovery's registry says about its health and models. A side that did
 * not answer, or does not know the backend, leaves its fields `null`.
 */
export interface BackendRow {
  backend: string;
  kind: BackendKind;
  url: string;
  /** `discovered`: found by discovery on a well-known port, not in the configuration. */
  mode: BackendMode | 'discovered' | null;
  state: LifecycleState | null;
  pid: number | null;
  restarts: number | null;
  since: string | null;
  message: string | null;
  health: HealthState | null;
  models: number | null;
}

/** Configured backends first (in configuration order), then those only discovery knows. */
export function joinBackends(
  statuses: readonly BackendStatus[] | undefined,
  registry: readonly RegistryEntry[] | undefined,
): BackendRow[] {
  const entries = new Map((registry ?? []).map((entry) => [entry.id, entry]));
  const rows: BackendRow[] = (statuses ?? []).map((status) => {
    const entry = entries.get(status.backend);
    entries.delete(status.backend);
    return {
      backend: status.backend,
      kind: status.kind,
      url: status.url,
      mode: status.mode,
      state: status.state,
      pid: status.pid ?? null,
      restarts: status.restarts,
      since: status.since,
      message: status.message ?? null,
      health: entry?.state ?? null,
      models: entry?.models.length ?? null,
    };
  });
  const discoveredOnly = [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const entry of discoveredOnly) {
    rows.push({
      backend: entry.id,
      kind: entry.kind,
      url: entry.url,
      // Without the orchestrator's answer, whether it is configured is unknown.
      mode: statuses === undefined ? null : 'discovered',
      state: null,
      pid: null,
      restarts: null,
      since: null,
      message: null,
      health: entry.state,
      models: entry.models.length,
    });
  }
  return rows;
}
