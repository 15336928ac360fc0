import type { z } from 'zod';
import { switchyardConfigSchema } from './config-schema.js';
import { isRecord } from '../frames/json-codec.js';

/** Environment variables starting with this override configuration fields. */
export const ENV_PREFIX = 'SWITCHYARD_';
/** Separates the levels of a field path in a variable name: `SWITCHYARD_GATEWAY__PORT`. */
const PATH_SEPARATOR = '__';
const SECTIONS: readonly string[] = Object.keys(switchyardConfigSchema.shape);

/**
 * The variable that overrides the field at `path`: `overrideVariable('nats', 'servers')` is
 * `SWITCHYARD_NATS__SERVERS`, `overrideVariable('backends', '2')` sets `backends[2]`. For a
 * process that configures another through its environment, as `switchyard up` does its services.
 */
export function overrideVariable(...path: readonly string[]): string {
  return `${ENV_PREFIX}${path.join(PATH_SEPARATOR).toUpperCase()}`;
}

/**
 * Turns `SWITCHYARD_<SECTION>[__<FIELD>…]=value` variables into a nested object:
 * `SWITCHYARD_GATEWAY__PORT=9000` → `{ gateway: { port: 9000 } }`,
 * `SWITCHYARD_BACKENDS__0__URL=…` → `{ backends: { 0: { url: … } } }`. A value is read as the
 * field it overrides expects: as it is for a text field (a password of digits stays text), as
 * JSON otherwise (numbers, booleans, arrays, objects), falling back to the text when it is not
 * JSON. Only variables whose first segment names a configuration section are overrides; others,
 * such as `SWITCHYARD_CONFIG`, are left alone.
 */
export function environmentOverrides(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const path = pathOf(name);
    // A variable that names no field (nor section) is `misnamedOverrides`' to report, by its name.
    if (!namesField(path)) continue;
    setPath(overrides, path, takesText(switchyardConfigSchema, path) ? raw : parseJson(raw));
  }
  return overrides;
}

/**
 * Variables that were meant as overrides and name no field: one under a section that leads to no
 * field of it (`SWITCHYARD_GATEWAY__RETRIES__MAX_ATTEMPT`, `SWITCHYARD_BACKENDS__0_URL`), one with
 * a level separator that names no section (`SWITCHYARD_GATWAY__PORT`), or one that starts with a
 * section and a single underscore (`SWITCHYARD_GATEWAY_PORT`). Ignoring them would leave the
 * default in force without a word; each problem names the variable and what it should be.
 */
export function misnamedOverrides(env: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    const path = pathOf(name);
    const [first = ''] = path;
    if (SECTIONS.includes(first)) {
      if (!namesField(path)) {
        const list = listAlong(path);
        problems.push(
          `${name}: names no configuration field (${path.join('.')}); the levels of a name are ` +
            'joined by two underscores' +
            (list === undefined
              ? ''
              : `, and list positions are numbers: ${positionExample(list)}`),
        );
      }
      continue;
    }
    const section = SECTIONS.find((known) => first.startsWith(`${known}_`));
    if (section !== undefined) {
      const field = name.slice(ENV_PREFIX.length + section.length + 1);
      const meant = `${ENV_PREFIX}${section.toUpperCase()}${PATH_SEPARATOR}${field}`;
      problems.push(`${name}: levels in a variable's name are joined by two underscores: ${meant}`);
    } else if (name.includes(PATH_SEPARATOR)) {
      problems.push(`${name}: "${first}" is not a configuration section (${SECTIONS.join(', ')})`);
    }
  }
  return problems;
}

/** A list position the configuration lacks, and the variables that set positions after it. */
export interface ListGap {
  /** The missing position's path: `backends`, `0`. */
  hole: readonly string[];
  problem: string;
}

/**
 * Positions of a list that variables skip: `SWITCHYARD_BACKENDS__1__URL` with no backends[0] in
 * the file or the environment. `merged` is the configuration with the overrides applied, where a
 * skipped position is a hole; the schema would only say that backends[0] is missing, not which
 * variables meant to set what.
 */
export function listGaps(
  env: Readonly<Record<string, string | undefined>>,
  merged: unknown,
): ListGap[] {
  const byList = new Map<string, { list: string[]; at: Map<number, string[]> }>();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const path = pathOf(name);
    const list = listAlong(path);
    const position = list === undefined ? undefined : path[list.length];
    if (list === undefined || position === undefined || !/^\d+$/.test(position)) continue;
    const key = list.join('.');
    const entry = byList.get(key) ?? { list, at: new Map<number, string[]>() };
    byList.set(key, entry);
    entry.at.set(Number(position), [...(entry.at.get(Number(position)) ?? []), name]);
  }
  const gaps: ListGap[] = [];
  for (const { list, at } of byList.values()) {
    const value = list.reduce<unknown>(
      (node, key) => (isRecord(node) ? node[key] : undefined),
      merged,
    );
    if (!Array.isArray(value)) continue;
    for (let index = 0; index < value.length; index++) {
      if (index in value) continue;
      const after = [...at.entries()].filter(([position]) => position > index);
      const names = after.flatMap(([, variables]) => variables).sort();
      gaps.push({
        hole: [...list, String(index)],
        problem:
          `${names.join(', ')}: nothing sets ${list.join('.')}[${index}] before them; list ` +
          `positions start at 0 with no gaps (${positionExample(list)}…, or the file)`,
      });
    }
  }
  return gaps;
}

/** The path of the list `path` goes through, if it goes through one: `backends` for a backend's. */
function listAlong(path: readonly string[]): string[] | undefined {
  for (let length = 1; length < path.length; length++) {
    const prefix = path.slice(0, length);
    if (fieldsAt(switchyardConfigSchema, prefix).some((field) => typeOf(field) === 'array')) {
      return prefix;
    }
  }
  return undefined;
}

/** A variable that sets the first position of `list`: `SWITCHYARD_BACKENDS__0__ID`. */
function positionExample(list: readonly string[]): string {
  const [element] = fieldsAt(switchyardConfigSchema, [...list, '0']);
  const def = element === undefined ? undefined : (unwrap(element)._zod.def as { type: string });
  const field =
    def?.type === 'object'
      ? Object.keys((def as unknown as { shape: object }).shape)[0]
      : undefined;
  return overrideVariable(...list, '0', ...(field === undefined ? [] : [field]));
}

/** The field path a variable names: `SWITCHYARD_GATEWAY__PORT` → `gateway`, `port`. */
function pathOf(name: string): string[] {
  return name.slice(ENV_PREFIX.length).toLowerCase().split(PATH_SEPARATOR);
}

/** Whether `path` leads to a field of the configuration (any key of a map does). */
function namesField(path: readonly string[]): boolean {
  return fieldsAt(switchyardConfigSchema, path).length > 0;
}

function parseJson(raw: string): unknown {
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

/** Wrappers that say nothing about the type of the value inside. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch']);

/**
 * Whether the field at `path` takes only text, so that a value such as `123456` or `true` must
 * stay a string. Unknown paths and fields that take anything else read as JSON, as before.
 */
function takesText(schema: z.ZodType, path: readonly string[]): boolean {
  const leaves = fieldsAt(schema, path);
  return leaves.length > 0 && leaves.every((leaf) => typeOf(leaf) === 'string');
}

/** The schemas a value at `path` may be checked against (several through a union). */
function fieldsAt(schema: z.ZodType, path: readonly string[]): z.ZodType[] {
  const node = unwrap(schema);
  const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'union') {
    return (def['options'] as z.ZodType[]).flatMap((option) => fieldsAt(option, path));
  }
  if (path.length === 0) return [node];
  const [segment, ...rest] = path as [string, ...string[]];
  switch (def.type) {
    case 'object': {
      const field = (def['shape'] as Record<string, z.ZodType>)[segment];
      return field === undefined ? [] : fieldsAt(field, rest);
    }
    case 'array':
      return /^\d+$/.test(segment) ? fieldsAt(def['element'] as z.ZodType, rest) : [];
    case 'record':
      return fieldsAt(def['valueType'] as z.ZodType, rest);
    default:
      return [];
  }
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (;;) {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if (WRAPPERS.has(def.type)) node = def['innerType'] as z.ZodType;
    // A preprocessed field (a list given as "a,b"): what it finally checks is the type.
    else if (def.type === 'pipe') node = def['out'] as z.ZodType;
    else return node;
  }
}

function typeOf(schema: z.ZodType): string {
  return (unwrap(schema)._zod.def as { type: string }).type;
}
