import type { z } from 'zod';
import {
  SECRET_CONFIG_PATHS,
  switchyardConfigSchema,
  type SwitchyardConfig,
} from './config-schema.js';

/** Environment variables starting with this override configuration fields. */
export const ENV_PREFIX = 'SWITCHYARD_';
/** Separates the levels of a field path in a variable name: `SWITCHYARD_GATEWAY__PORT`. */
const PATH_SEPARATOR = '__';

/** The configuration is invalid; `problems` names each field, its value and what is allowed. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';

  constructor(
    readonly problems: readonly string[],
    readonly origin: string,
  ) {
    super(
      `invalid configuration (${origin}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
  }
}

/**
 * Turns `SWITCHYARD_<SECTION>[__<FIELD>…]=value` variables into a nested object:
 * `SWITCHYARD_GATEWAY__PORT=9000` → `{ gateway: { port: 9000 } }`,
 * `SWITCHYARD_BACKENDS__0__URL=…` → `{ backends: { 0: { url: … } } }`. Values are read as JSON when
 * they parse as JSON (numbers, booleans, arrays, objects) and as plain strings otherwise. Only
 * variables whose first segment names a configuration section are overrides; others, such as
 * `SWITCHYARD_CONFIG`, are left alone.
 */
export function environmentOverrides(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const sections = new Set(Object.keys(switchyardConfigSchema.shape));
  const overrides: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const path = name.slice(ENV_PREFIX.length).toLowerCase().split(PATH_SEPARATOR);
    if (!sections.has(path[0] as string)) continue;
    setPath(overrides, path, parseValue(raw));
  }
  return overrides;
}

/**
 * Validates a configuration (as read from YAML) with the environment's overrides applied on top
 * and fills in the defaults. Throws `InvalidConfigError` naming every problem.
 */
export function resolveConfig(
  fileContent: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
  origin = 'switchyard.yaml',
): SwitchyardConfig {
  const base = fileContent ?? {};
  if (typeof base !== 'object' || Array.isArray(base)) {
    throw new InvalidConfigError(
      ['the file must hold a mapping of sections (nats, gateway, …)'],
      origin,
    );
  }
  const merged = mergeOverrides(base, environmentOverrides(env));
  const result = switchyardConfigSchema.safeParse(merged, { reportInput: true });
  if (!result.success)
    throw new InvalidConfigError(result.error.issues.map(describeConfigIssue), origin);
  return result.data;
}

function describeConfigIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  const field = path.length === 0 ? '(top level)' : formatPath(path);
  if (issue.code === 'unrecognized_keys') {
    return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  const value = isSecret(path) ? '(secret)' : describeValue(issue.input);
  return `${field}: ${issue.message} (got ${value})`;
}

function formatPath(path: readonly string[]): string {
  return path.reduce(
    (text, segment) =>
      /^\d+$/.test(segment) ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment,
    '',
  );
}

function isSecret(path: readonly string[]): boolean {
  const normalized = formatPath(path).replace(/\[\d+\]/g, '[*]');
  return SECRET_CONFIG_PATHS.some((secret) => normalized === secret);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((segment) => {
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  });
  node[path[path.length - 1] as string] = value;
}

/** Overrides win; objects merge field by field; a numeric key addresses an array element. */
function mergeOverrides(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(overrides)) return overrides;
  if (Array.isArray(base)) {
    const copy = [...base];
    for (const [key, value] of Object.entries(overrides)) {
      const index = Number(key);
      if (Number.isInteger(index) && index >= 0) copy[index] = mergeOverrides(copy[index], value);
    }
    return copy;
  }
  const result: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(overrides))
    result[key] = mergeOverrides(result[key], value);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
