import type { z } from 'zod';
import {
  SECRET_CONFIG_PATHS,
  switchyardConfigSchema,
  type SwitchyardConfig,
} from './config-schema.js';
import { isRecord } from '../frames/json-codec.js';
import { environmentOverrides, listGaps, misnamedOverrides } from './environment-overrides.js';

export { ENV_PREFIX, environmentOverrides } from './environment-overrides.js';

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
  const misnamed = misnamedOverrides(env);
  const merged = mergeOverrides(base, environmentOverrides(env));
  const gaps = listGaps(env, merged);
  const result = switchyardConfigSchema.safeParse(merged, { reportInput: true });
  if (!result.success || misnamed.length > 0 || gaps.length > 0) {
    // A gap's own problem names the variables; the schema's would only say it is empty.
    const inGap = (issue: z.core.$ZodIssue): boolean =>
      gaps.some(({ hole }) => hole.every((key, i) => String(issue.path[i]) === key));
    const issues = result.success
      ? []
      : result.error.issues.filter((issue) => !inGap(issue)).map(describeConfigIssue);
    const problems = [...misnamed, ...gaps.map((gap) => gap.problem), ...issues];
    throw new InvalidConfigError(problems, origin);
  }
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

/**
 * Overrides win; objects merge field by field; a numeric key addresses an array element, also
 * of a list the file does not have (backends given by the environment alone).
 */
function mergeOverrides(base: unknown, overrides: unknown): unknown {
  if (!isRecord(overrides)) return overrides;
  if (Array.isArray(base) || (base === undefined && isIndexed(overrides))) {
    const copy = Array.isArray(base) ? [...base] : [];
    for (const [key, value] of Object.entries(overrides)) {
      const index = Number(key);
      if (Number.isInteger(index) && index >= 0) copy[index] = mergeOverrides(copy[index], value);
    }
    return copy;
  }
  const result: Record<string, unknown> = isRecord(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(overrides))
    result[key] = mergeOverrides(result[key], value);
  return result;
}

/** Keys that can only be list positions (no configuration field is named by digits). */
function isIndexed(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^\d+$/.test(key));
}
