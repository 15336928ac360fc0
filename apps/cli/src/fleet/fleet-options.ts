import { parseArgs, parseDuration, type CommandSpec, type ParsedArgs } from '../cli/args.js';

/**
 * How long `status`, `models` and `logs` wait without `--timeout`: each is one question that a
 * running service answers at once (the usage text and the README say 10 s).
 */
export const QUERY_TIMEOUT_MS = 10_000;

/** The options every command that talks to the fleet takes. */
const FLEET_VALUES = ['--config', '--timeout'] as const;
const FLEET_FLAGS = ['--json'] as const;

export interface FleetOptions {
  /** The file named by `--config`; absent, the services' rules apply (SWITCHYARD_CONFIG, ./switchyard.yaml). */
  configFile: string | undefined;
  json: boolean;
  /** `--timeout`, when given; each command has its own default. */
  timeoutMs: number | undefined;
}

/** Parses a fleet command's arguments: its own options plus `--config`, `--timeout`, `--json`. */
export function parseFleetArgs(
  spec: CommandSpec,
  args: readonly string[],
): { parsed: ParsedArgs; options: FleetOptions } {
  const parsed = parseArgs(
    {
      ...spec,
      values: [...(spec.values ?? []), ...FLEET_VALUES],
      flags: [...(spec.flags ?? []), ...FLEET_FLAGS],
    },
    args,
  );
  const timeout = parsed.value('--timeout');
  return {
    parsed,
    options: {
      configFile: parsed.value('--config'),
      json: parsed.flag('--json'),
      timeoutMs: timeout === undefined ? undefined : parseDuration('--timeout', timeout),
    },
  };
}
