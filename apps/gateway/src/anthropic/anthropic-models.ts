import type { FleetModel } from '../fleet/fleet-catalogue.service.js';

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
