import { z } from 'zod';
import { switchyardConfigSchema } from './config-schema.js';

/**
 * The configuration schema as JSON Schema, for editors (`# yaml-language-server: $schema=…`).
 * The committed `switchyard.schema.json` is this value; a test keeps the two in sync.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(switchyardConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Switchyard configuration (switchyard.yaml)',
  };
}
