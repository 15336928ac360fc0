import { SimOptionsError } from './sim-errors.js';
import {
  BACKEND_KINDS,
  DEFAULTS,
  KIND_DEFAULTS,
  type BackendKind,
  type SimulatorOptions,
} from './sim-options.js';

/**
 * The variable through which whatever runs the simulator for a person (`switchyard sim`) says how
 * they ran it, so that the usage shows the command they typed.
 */
export const COMMAND_VARIABLE = 'SWITCHYARD_SIM_COMMAND';

/** The usage, naming the command as the simulator was run (from the repository by default). */
export function usage(command = 'node apps/backend-sim/dist/main.js'): string {
  return `Usage: ${command} --kind ollama|lmstudio|vllm [options]

Simulates an Ollama, LM Studio or vLLM server (see apps/backend-sim/README.md).

  --kind KIND               ollama, lmstudio or vllm (required)
  --host HOST               bind address (default ${DEFAULTS.host})
  --port N                  port, 0 for a free one (default: the kind's usual port)
  --models a,b,c            installed models (vllm: served names of its one model)
  --catalogue a,b           models that can be pulled / downloaded
  --tokens-per-second N     streaming rate, 0 for no delay (default ${DEFAULTS.tokensPerSecond})
  --ttft-ms N               delay before the first token (default ${DEFAULTS.ttftMs})
  --load-ms N               model load time (default ${DEFAULTS.loadMs})
  --pull-ms N               duration of a pull / download (default ${DEFAULTS.pullMs})
  --max-concurrency N       requests generating at once per model (default: per kind)
  --queue N                 requests waiting per model before a 503 (default ${DEFAULTS.queue})
  --seed N                  seed of every generated answer (default ${DEFAULTS.seed})
  --fail-rate X             fraction of requests answered with a 500 (default ${DEFAULTS.failRate})
  --answer-tokens N         words in a natural answer (default ${DEFAULTS.answerTokens})
  --context-length N        context window of every model (default ${DEFAULTS.contextLength})
  --api-key KEY             vllm only: bearer key required on /v1
  --parent-pid PID          stop (as on SIGTERM) once process PID is no longer the parent
  -h, --help                show this help

Prints one JSON line {"event":"listening","url":…} on stdout once it accepts connections.`;
}

const PARENT_PID_FLAG = '--parent-pid';

type Setter = (options: Partial<SimulatorOptions>, value: string, flag: string) => void;

const number =
  (key: keyof SimulatorOptions): Setter =>
  (options, value, flag) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) {
      throw new SimOptionsError(`${flag} must be a number, got "${value}"`);
    }
    (options as Record<string, unknown>)[key] = parsed;
  };

const list =
  (key: 'models' | 'catalogue'): Setter =>
  (options, value) => {
    options[key] = value.split(',').map((name) => name.trim());
  };

const FLAGS: Record<string, Setter> = {
  '--kind': (options, value, flag) => {
    if (!(BACKEND_KINDS as readonly string[]).includes(value)) {
      throw new SimOptionsError(
        `${flag} must be one of ${BACKEND_KINDS.join(', ')}, got "${value}"`,
      );
    }
    options.kind = value as BackendKind;
  },
  '--host': (options, value) => (options.host = value),
  '--port': number('port'),
  '--models': list('models'),
  '--catalogue': list('catalogue'),
  '--tokens-per-second': number('tokensPerSecond'),
  '--ttft-ms': number('ttftMs'),
  '--load-ms': number('loadMs'),
  '--pull-ms': number('pullMs'),
  '--max-concurrency': number('maxConcurrency'),
  '--queue': number('queue'),
  '--seed': number('seed'),
  '--fail-rate': number('failRate'),
  '--answer-tokens': number('answerTokens'),
  '--context-length': number('contextLength'),
  '--api-key': (options, value) => (options.apiKey = value),
};

export type CliCommand =
  | { help: true }
  | {
      help: false;
      options: SimulatorOptions;
      /** The supervisor this process must not outlive (`switchyard up` runs sims detached). */
      parentPid?: number;
    };

/**
 * Parses `--flag value` and `--flag=value` arguments. Without `--port` the kind's usual port is
 * used, as the real server would. Throws SimOptionsError with a one-line message.
 */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const options: Partial<SimulatorOptions> = {};
  let parentPid: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { help: true };
    const equals = arg.indexOf('=');
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    if (!Object.hasOwn(FLAGS, flag) && flag !== PARENT_PID_FLAG)
      throw new SimOptionsError(`unknown option ${flag} (see --help)`);
    let value: string | undefined;
    if (equals > 0) value = arg.slice(equals + 1);
    else value = argv[++i];
    if (value === undefined) throw new SimOptionsError(`${flag} needs a value`);
    if (flag === PARENT_PID_FLAG) parentPid = processId(value, flag);
    else FLAGS[flag]?.(options, value, flag);
  }
  if (!options.kind) throw new SimOptionsError('--kind is required (ollama, lmstudio or vllm)');
  options.port ??= KIND_DEFAULTS[options.kind].port;
  const command = { help: false as const, options: options as SimulatorOptions };
  return parentPid === undefined ? command : { ...command, parentPid };
}

function processId(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new SimOptionsError(`${flag} must be a process id, got "${value}"`);
  }
  return parsed;
}
