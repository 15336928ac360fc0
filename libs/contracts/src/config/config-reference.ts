import { configJsonSchema } from './config-json-schema.js';

interface JsonSchemaNode {
  type?: string | string[];
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** Bounds as large as this are only the integer range, not a real limit worth printing. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
/**
 * A default longer than this (`gateway.cors_origins`' origins) is shown as its first entry and
 * its length, so that one cell does not widen the whole table.
 */
const MAX_DEFAULT_CHARS = 48;

/**
 * Every configuration field as a Markdown table (path, type, default), from the same schema the
 * services validate with, so the reference cannot drift: `npm run schema` writes it into
 * docs/configuration.md and a test keeps it in sync.
 */
export function configReferenceMarkdown(): string {
  const rows: string[] = [];
  walk(configJsonSchema() as JsonSchemaNode, '', rows);
  return ['| Field | Type | Default |', '| ----- | ---- | ------- |', ...rows].join('\n');
}

function walk(node: JsonSchemaNode, path: string, rows: string[]): void {
  const object = objectOf(node);
  if (object?.properties !== undefined) {
    for (const [name, child] of Object.entries(object.properties)) {
      const childPath = path === '' ? name : `${path}.${name}`;
      if (objectOf(child)?.properties !== undefined) walk(child, childPath, rows);
      else if (child.type === 'array' && objectOf(child.items ?? {})?.properties !== undefined) {
        walk(child.items as JsonSchemaNode, `${childPath}[]`, rows);
      } else rows.push(row(childPath, child));
    }
  }
}

function objectOf(node: JsonSchemaNode): JsonSchemaNode | undefined {
  if (node.type === 'object') return node;
  return node.anyOf?.find((option) => option.type === 'object');
}

function row(path: string, node: JsonSchemaNode): string {
  return `| \`${path}\` | ${typeOf(node)} | ${defaultOf(node.default)} |`;
}

function defaultOf(value: unknown): string {
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  if (json.length <= MAX_DEFAULT_CHARS || !Array.isArray(value)) return `\`${json}\``;
  return `\`[${JSON.stringify(value[0])}, …]\` (${value.length} entries)`;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (node.anyOf !== undefined) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'array')
    return `list of ${node.items === undefined ? 'any' : typeOf(node.items)}`;
  if (node.type === 'object') {
    const values = node.additionalProperties;
    return typeof values === 'object' ? `map of ${typeOf(values)}` : 'object';
  }
  const type = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
  const low =
    node.minimum ?? (node.exclusiveMinimum === undefined ? undefined : `>${node.exclusiveMinimum}`);
  const high = node.maximum !== undefined && node.maximum < UNBOUNDED ? node.maximum : undefined;
  if (low === undefined && high === undefined) return type;
  return `${type} (${low ?? ''}…${high ?? ''})`;
}
