import type { FleetModel } from '../fleet/fleet-catalogue.service.js';

/**
 * Anthropic's SDKs send `anthropic-version` with every request: how `/v1/models`, a route both
 * APIs have, tells their clients from OpenAI's and answers each in its own shape.
 */
export function asksAnthropic(headers: Record<string, unknown>): boolean {
  return headers['anthropic-version'] !== undefined;
}

/** A model as Anthropic lists one. The fleet does not know when a model was made: the epoch. */
export function anthropicModel(model: FleetModel): Record<string, unknown> {
  return {
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: new Date(0).toISOString(),
  };
}

/** The fleet's models as one page of Anthropic's list. */
export function anthropicModelList(models: readonly FleetModel[]): Record<string, unknown> {
  return {
    data: models.map(anthropicModel),
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  };
}
