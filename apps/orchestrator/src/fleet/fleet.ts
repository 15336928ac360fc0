import { ollamaTagged, SwitchyardError, type BackendKind } from '@switchyard/contracts';
import type { BackendSupervisor } from '../supervision/backend-supervisor.js';

/** The configured backends, each with its supervisor. Commands reach backends only through here. */
export class Fleet {
  private readonly byId: Map<string, BackendSupervisor>;

  constructor(supervisors: readonly BackendSupervisor[]) {
    this.byId = new Map(supervisors.map((supervisor) => [supervisor.id, supervisor]));
  }

  supervisors(): BackendSupervisor[] {
    return [...this.byId.values()];
  }

  /** The supervisor of a configured backend; any other id is `not_found`, naming the ones there are. */
  supervisor(id: string): BackendSupervisor {
    const supervisor = this.byId.get(id);
    if (supervisor === undefined) {
      const known = [...this.byId.keys()];
      throw new SwitchyardError(
        'not_found',
        `no configured backend "${id}"` +
          (known.length === 0 ? ': none are configured' : `; configured: ${known.join(', ')}`),
      );
    }
    return supervisor;
  }

  /** Managed backends configured to serve `model` (of `kind`, when given), in configuration order. */
  managedFor(model: string, kind?: BackendKind): BackendSupervisor[] {
    return this.supervisors().filter(
      (supervisor) =>
        supervisor.config.mode === 'managed' &&
        (kind === undefined || supervisor.config.kind === kind) &&
        supervisor.config.models.some((name) => sameModel(supervisor.config.kind, name, model)),
    );
  }
}

/** Whether a configured model name and a requested one are the same model on a backend of `kind`. */
export function sameModel(kind: BackendKind, configured: string, requested: string): boolean {
  if (configured === requested) return true;
  return (
    kind === 'ollama' && servedModelName(kind, configured) === servedModelName(kind, requested)
  );
}

/**
 * The name a backend of `kind` serves a configured model under: Ollama answers to `llama3.2` for
 * `llama3.2:latest` (see `ollamaTagged`), and configurations use either; the other kinds take
 * names as they are.
 */
export function servedModelName(kind: BackendKind, configured: string): string {
  return kind === 'ollama' ? ollamaTagged(configured) : configured;
}
