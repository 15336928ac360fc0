import { managedModelNameSchema, ollamaTagged, SwitchyardError } from '@switchyard/contracts';
import { badField } from '../http/bad-request.js';
import { ollamaNotFoundWords } from '../http/error-envelopes.js';
import type { FleetCatalogue } from '../fleet/fleet-catalogue.service.js';
import { resolveTarget } from '../routing/model-route.js';

/**
 * A model name from an Ollama management request as the Ollama backends know it: an `ollama/`
 * prefix is dropped (it pins the kind, as for inference; another kind's prefix is refused, since
 * only Ollama backends delete and copy models), and a name without a tag means `:latest`, as
 * Ollama reads it. Management names are held to the strict alphabet of the protocol.
 */
export function ollamaManagedName(raw: string, param: string): string {
  const target = resolveTarget(raw, { aliases: {}, fallbacks: {} });
  if (target.kind !== undefined && target.kind !== 'ollama') {
    throw new SwitchyardError(
      'unsupported',
      `${param}: only Ollama backends manage models this way, not ${target.kind}`,
      { details: { param } },
    );
  }
  const parsed = managedModelNameSchema.safeParse(ollamaTagged(target.model));
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid model name';
    throw badField(`${param}: ${message}`, param);
  }
  return parsed.data;
}

/** Ollama's clients leave out `:latest`; so does this API, when the fleet has that tag. */
export async function resolveOllamaName(
  catalogue: FleetCatalogue,
  model: unknown,
): Promise<unknown> {
  if (typeof model !== 'string' || model.length === 0) return model;
  const tagged = ollamaTagged(model);
  if (tagged === model) return model;
  const models = await catalogue.models();
  if (models.some((entry) => entry.id === model)) return model;
  return models.some((entry) => entry.id === tagged) ? tagged : model;
}

/** Ollama's own wording for a model it does not have. */
export function ollamaModelNotFound(name: string): SwitchyardError {
  return new SwitchyardError('model_not_found', ollamaNotFoundWords(name), {
    details: { param: 'model' },
  });
}
