import { fnv1a } from './hashing.js';
import { VOCABULARY } from './vocabulary.js';

/** The subset of JSON Schema the simulator reads to invent tool arguments and structured output. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: unknown[];
  oneOf?: unknown[];
  [keyword: string]: unknown;
}

const MAX_DEPTH = 8;

/**
 * A value that satisfies `schema`, derived only from the schema and `key`: `const`, else the
 * first `enum` value, else one of the `anyOf` (or `oneOf`) schemas chosen by the key's hash,
 * else by type — strings are vocabulary words, numbers are small, booleans and array lengths
 * (always one item) are fixed. Every property of an object is filled in, in the schema's own
 * order, so the JSON text is stable.
 */
export function valueForSchema(schema: unknown, key: string, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return wordFor(key);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const hash = fnv1a(key);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return valueForSchema(alternatives[hash % alternatives.length], key, depth + 1);
  }
  switch (schemaType(schema)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        value[name] = valueForSchema(property, `${key}.${name}`, depth + 1);
      }
      return value;
    }
    case 'array':
      return [valueForSchema(schema.items, `${key}[]`, depth + 1)];
    case 'integer':
      return hash % 100;
    case 'number':
      return (hash % 1000) / 10;
    case 'boolean':
      return hash % 2 === 0;
    case 'null':
      return null;
    default:
      return wordFor(key);
  }
}

function wordFor(key: string): string {
  return VOCABULARY[fnv1a(key) % VOCABULARY.length] as string;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaType(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type)
    ? schema.type.find((candidate) => candidate !== 'null')
    : schema.type;
  if (type === undefined && schema.properties !== undefined) return 'object';
  return type;
}
