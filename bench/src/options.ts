// Command-line options of `npm run bench -- …`. Defaults finish in 11 to 14 minutes on 2 cores
// (warm-ups included).

export const SCENARIOS = [1, 2, 3, 4, 5, 6] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Rounds per scenario; each round runs every path once (ABC ABC …). */
  rounds: number;
  /** Seconds per measured run of the request-rate scenarios (1, 3, 5). */
  durationSec: number;
  scenarios: ScenarioId[];
  /** Cancellations per path and round (scenario 4). */
  cancels: number;
  /** Where latest.md and latest.json go. */
  outDir: string;
  /** When set, every Switchyard service writes a V8 CPU profile here as it stops. */
  cpuProfDir?: string;
}

export const DEFAULT_OPTIONS: Omit<BenchOptions, 'outDir'> = {
  rounds: 3,
  durationSec: 5,
  scenarios: [...SCENARIOS],
  cancels: 20,
};

export const USAGE = `usage: npm run bench -- [--rounds N] [--duration SECONDS] [--scenario 1,2,…] [--cancels N] [--out DIR]

  --rounds N          rounds per scenario, each running direct, Portkey and Switchyard once (default ${DEFAULT_OPTIONS.rounds})
  --duration SECONDS  length of each measured run in scenarios 1, 3 and 5 (default ${DEFAULT_OPTIONS.durationSec})
  --scenario LIST     which scenarios to run, e.g. 1,2 (default all: 1 non-streaming, 2 streaming,
                      3 CPU per request, 4 cancellation, 5 scale-out, 6 memory)
  --cancels N         cancellations per path and round in scenario 4 (default ${DEFAULT_OPTIONS.cancels})
  --out DIR           where latest.md and latest.json are written (default bench/results)
  --cpu-prof DIR      run every Switchyard service with node --cpu-prof, writing its profile to DIR
                      when it stops (open it in Chrome DevTools; profiling slows the services down)`;

export class OptionsError extends Error {}

/** Parses argv (without node and the script); throws OptionsError naming the bad option. */
export function parseOptions(argv: readonly string[], defaultOutDir: string): BenchOptions {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, outDir: defaultOutDir };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new OptionsError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--rounds':
        options.rounds = integer(name, value(), 1, 50);
        break;
      case '--duration':
        options.durationSec = integer(name, value(), 1, 600);
        break;
      case '--cancels':
        options.cancels = integer(name, value(), 1, 1000);
        break;
      case '--scenario':
      case '--scenarios':
        options.scenarios = scenarioList(value());
        break;
      case '--out':
        options.outDir = value();
        break;
      case '--cpu-prof':
        options.cpuProfDir = value();
        break;
      default:
        throw new OptionsError(`unknown option "${arg}"`);
    }
  }
  return options;
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new OptionsError(`${name} takes a whole number from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

function scenarioList(text: string): ScenarioId[] {
  const ids = new Set<ScenarioId>();
  for (const part of text.split(',')) {
    const id = Number(part.trim());
    if (!(SCENARIOS as readonly number[]).includes(id)) {
      throw new OptionsError(
        `--scenario takes numbers from 1 to 6 separated by commas (got "${part}")`,
      );
    }
    ids.add(id as ScenarioId);
  }
  return [...ids].sort((a, b) => a - b);
}
