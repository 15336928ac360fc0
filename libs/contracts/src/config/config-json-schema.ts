import { z } from 'zod';
import { switchyardConfigSchema } from './config-schema.js';

/**
 * The configuration schema as JSON Schema, for editors (`# yaml-language-server: $schema=…`).
 * The committed `switchyard.schema.json` is this value; a test keeps the two in sync.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(switchyardConfigSchema, {
      io: 'input',
      unrepresentable: 'any',
      override: keepDefault,
    }),
    title: 'Switchyard configuration (switchyard.yaml)',
  };
}

/**
 * zod leaves out the default of a field whose schema is a preprocess, as every list that also
 * takes "a,b,c" from the environment is (`nats.servers`, `discovery.hosts`, `gateway.cors_origins`
 * …), so editors and the configuration reference showed those fields without the default the
 * services apply. This puts it back.
 */
function keepDefault(ctx: {
  zodSchema: z.core.$ZodTypes;
  jsonSchema: { default?: unknown };
}): void {
  const def = ctx.zodSchema._zod.def;
  if (def.type !== 'default' || ctx.jsonSchema.default !== undefined) return;
  ctx.jsonSchema.default = JSON.parse(JSON.stringify(def.defaultValue)) as unknown;
}
