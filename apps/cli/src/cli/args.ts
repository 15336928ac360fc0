import { UsageError } from './cli-errors.js';

/** What a command accepts on its command line. */
export interface CommandSpec {
  /** The command's name, used in error messages. */
  name: string;
  /** Options that take a value: `--lines 20` or `--lines=20`. */
  values?: readonly string[];
  /** Options that are on or off: `--json`. */
  flags?: readonly string[];
  /** Positional arguments every call must give, in order. */
  required?: readonly string[];
  /** The name of an optional trailing list of positionals (`prompt…`); without it, none. */
  rest?: string;
}

export interface ParsedArgs {
  /** The positionals: the required ones first, then the rest. */
  readonly positionals: readonly string[];
  flag(name: string): boolean;
  value(name: string): string | undefined;
}

/**
 * Parses one command's arguments. Options may come anywhere; `--` ends them, so a prompt can
 * start with a dash. Anything the spec does not name is a {@link UsageError} naming it.
 */
export function parseArgs(spec: CommandSpec, args: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.values?.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`${name} needs a value`);
      }
      values.set(name, value);
    } else if (spec.flags?.includes(name) && inline === undefined) {
      flags.add(name);
    } else if (spec.flags?.includes(name)) {
      throw new UsageError(`${name} takes no value (got "${arg}")`);
    } else {
      throw new UsageError(`unknown option "${name}" for ${spec.name}`);
    }
  }
  checkPositionals(spec, positionals);
  return {
    positionals,
    flag: (name) => flags.has(name),
    value: (name) => values.get(name),
  };
}

function checkPositionals(spec: CommandSpec, positionals: readonly string[]): void {
  const required = spec.required ?? [];
  const missing = required[positionals.length];
  if (missing !== undefined) {
    throw new UsageError(`missing argument <${missing}> for ${spec.name}`);
  }
  const extra = positionals[required.length];
  if (spec.rest === undefined && extra !== undefined) {
    throw new UsageError(`unexpected argument "${extra}" for ${spec.name}`);
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
/** The longest `--timeout` taken: longer waits are a typo, not a plan. */
const MAX_TIMEOUT_MS = 24 * UNIT_MS.h;

/** `--timeout` as milliseconds: `500ms`, `30s`, `10m`, `1h`; a bare number is seconds. */
export function parseDuration(option: string, text: string): number {
  const match = DURATION.exec(text.trim());
  const ms =
    match === null ? NaN : Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) {
    throw new UsageError(
      `${option} takes a duration such as 30s, 500ms, 10m or 1h, at most 24h (got "${text}")`,
    );
  }
  return Math.round(ms);
}

/** A whole number option within bounds. */
export function parseCount(option: string, text: string, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new UsageError(`${option} takes a whole number from 1 to ${max} (got "${text}")`);
  }
  return value;
}
