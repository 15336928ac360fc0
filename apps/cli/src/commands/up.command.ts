import { rmSync } from 'node:fs';
import {
  BACKEND_KINDS,
  overrideVariable,
  Subjects,
  type BackendKind,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import {
  CONFIG_FILE_ENV,
  EXIT_INVALID_CONFIG,
  PARENT_PID_ENV,
  readConfig,
  selfExitDeadlineMs,
  SERVICE_NODE_FLAGS,
  isServiceStarted,
  TERMINAL_OUTPUT_ENV,
} from '@switchyard/service';
import { connectNats, type NatsConnection } from '@switchyard/nats';
import { parseArgs } from '../cli/args.js';
import { EXIT, UnavailableError, UsageError } from '../cli/cli-errors.js';
import { chatModelToTry } from '../fleet/fleet-workers.js';
import { stdoutClosed } from '../output/write.js';
import { createNatsStore, planNats, writeNatsConfig } from '../stack/nats-launcher.js';
import {
  ChildExitedError,
  ServiceProcesses,
  type RunningChild,
} from '../stack/service-processes.js';
import { serviceEntry, type ServiceName } from '../stack/service-entries.js';
import { addedBackendsEnv, type AddedBackend } from '../stack/stack-backends.js';
import { isListening } from '../stack/tcp-probe.js';

const SIM_MODES = ['auto', 'on', 'off'] as const;
export type SimMode = (typeof SIM_MODES)[number];

export interface UpOptions {
  configArgs: string[];
  sim: SimMode;
}

const READY_TIMEOUT_MS = 30_000;
/**
 * How long past a service's own exit deadline `up` waits before it kills the child: a service
 * exits on its own by then, so `up` kills only a child that is truly stuck.
 */
const KILL_SLACK_MS = 5_000;
/** The Ollama simulator's chat model, the quick start's (`README.md`). */
const SIMULATED_CHAT_MODEL = 'llama3.2:latest';
/** The longest the ready banner waits for the workers to say what they serve. */
const MODEL_QUERY_TIMEOUT_MS = 2_000;
/** Signals that stop the stack: Ctrl-C, `kill`, and the terminal closing. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long a child may take to stop after its stop signal: its own exit deadline, plus slack. */
export function stopGraceMs(config: SwitchyardConfig): number {
  return selfExitDeadlineMs(config) + KILL_SLACK_MS;
}

/** `switchyard up [--config FILE] [--sim auto|on|off]`. */
export function upCommand(args: readonly string[]): Promise<number> {
  const parsed = parseArgs({ name: 'up', values: ['--config', '--sim'] }, args);
  const config = parsed.value('--config');
  const sim = parsed.value('--sim') ?? 'auto';
  if (!(SIM_MODES as readonly string[]).includes(sim)) {
    throw new UsageError(`--sim takes auto, on or off (got "${sim}")`);
  }
  return up({ configArgs: config === undefined ? [] : ['--config', config], sim: sim as SimMode });
}

/**
 * `switchyard up`: NATS (started when none answers at the configured URL), simulated backends
 * when asked or when no real one is found, then every service as a child process. Runs until
 * SIGINT, SIGTERM or SIGHUP (or until the reader of its output goes away), then stops everything
 * in reverse order and removes the JetStream store of a nats-server it started. A service or the
 * nats-server it started that exits in the meantime is started again, with the backoff and limit
 * of `orchestrator.restart`, as the orchestrator restarts a managed backend.
 *
 * Exit codes as for every command: NATS that cannot be used (its port held by something else, or
 * no nats-server installed to start) is 69, a configuration a service refuses at start-up is 78,
 * any other failure to start is 1.
 */
export async function up(
  options: UpOptions,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const config = readConfig({ argv: options.configArgs });
  const say = (line: string): void => void output.write(`switchyard: ${line}\n`);
  const processes = new ServiceProcesses(output, isTerminal(output));
  let natsStore: string | undefined;
  // Every child, then what `up` made for them. The store goes only once its server has stopped.
  const stopStack = async (): Promise<void> => {
    await processes.stopAll(stopGraceMs(config));
    if (natsStore !== undefined) removeStore(natsStore, say);
  };
  // The first signal stops the stack in order; a second one (an impatient Ctrl-C) kills it.
  // The children get no terminal signals (see ServiceProcesses), so a closed terminal's SIGHUP
  // stops them through `up` as well.
  let signals = 0;
  const stopAsked = new Promise<void>((resolve) => {
    const onSignal = (): void => {
      signals += 1;
      if (signals === 1) resolve();
      else processes.killAll();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    // `up | head`: once the reader of its output has gone (a write failed with EPIPE), nobody
    // sees what the stack says any more, so it stops as on a signal rather than run on unseen.
    if (output === process.stdout) {
      if (stdoutClosed.aborted) resolve();
      else stdoutClosed.addEventListener('abort', () => resolve(), { once: true });
    }
  });

  try {
    const natsUrl = config.nats.servers[0] as string;
    const nats = await planNats(natsUrl);
    if (nats.kind === 'start') {
      natsStore = createNatsStore();
      const server = processes.start({
        name: 'nats',
        command: nats.program,
        args: [...nats.args, '-c', writeNatsConfig(natsStore), '-sd', natsStore],
        // nats-server shuts down the same way on SIGINT and SIGTERM, but exits 1 after SIGTERM.
        stopSignal: 'SIGINT',
        restart: config.orchestrator.restart,
      });
      await server.firstLine((line) => line.includes('Server is ready'), READY_TIMEOUT_MS);
      say(`started nats-server at ${natsUrl} (JetStream on)`);
    } else {
      say(`using the NATS server at ${natsUrl}`);
    }

    const added = await addBackends(config, options.sim, processes, say);
    const backends = [...config.backends, ...added];
    // The services read the same file and SWITCHYARD_* variables as `up` did; `up` only adds
    // the backends it found or started, so every configured field reaches them as written.
    const env: Record<string, string> = {
      [PARENT_PID_ENV]: String(process.pid),
      // Their output reaches this terminal through `up`: `log.format: auto` is for a person.
      ...(isTerminal(output) ? { [TERMINAL_OUTPUT_ENV]: '1' } : {}),
      [overrideVariable('nats', 'servers')]: config.nats.servers.join(','),
      ...addedBackendsEnv(config.backends.length, added, process.env),
    };
    const file = configPath(options.configArgs);
    if (file !== undefined) env[CONFIG_FILE_ENV] = file;

    const started: { child: RunningChild; service: ServiceName }[] = [];
    const run = (service: ServiceName, name: string = service): void => {
      const child = processes.start({
        name,
        command: process.execPath,
        args: [...SERVICE_NODE_FLAGS, serviceEntry(service)],
        env,
        restart: config.orchestrator.restart,
        ipc: true,
      });
      started.push({ child, service });
    };
    run('discovery');
    run('orchestrator');
    for (const kind of BACKEND_KINDS) {
      // A kind with no backend now may gain one later: discovery probes its well-known port on
      // every host, and a server found there has nothing to serve it without a worker.
      const mayServe =
        config.discovery.well_known_ports || backends.some((backend) => backend.kind === kind);
      const replicas = mayServe ? config.workers[kind].replicas : 0;
      for (let i = 1; i <= replicas; i++)
        run(`${kind}-worker`, replicas > 1 ? `${kind}-worker-${i}` : `${kind}-worker`);
    }
    run('gateway');
    // Each says so over its IPC channel, whatever its `log.level` lets through: its "started"
    // line is an `info` line, which `warn` holds back.
    await Promise.all(
      started.map(({ child, service }) =>
        child.firstMessage((message) => isServiceStarted(message, service), READY_TIMEOUT_MS),
      ),
    );

    say(`ready: NATS at ${natsUrl}, subject prefix "${config.nats.subject_prefix}"`);
    for (const backend of backends)
      say(`backend ${backend.id} (${backend.kind}) at ${backend.url}`);
    const gatewayUrl = `http://${config.gateway.host}:${config.gateway.port}`;
    say(`gateway (OpenAI and Anthropic /v1, Ollama /api) at ${gatewayUrl}`);
    // With keys configured, the gateway wants one from every client, this machine's too.
    const key =
      config.gateway.api_key_hashes.length > 0 ? ` -H 'Authorization: Bearer <your key>'` : '';
    const served = await modelToTry(config);
    // Nothing served yet, but a stopped managed backend lists a model: a request for it starts
    // the backend (start on demand), which is what the example should show rather than a pull.
    const startable = served === undefined ? modelToStart(config) : undefined;
    const model = served ?? startable?.model;
    if (model === undefined) {
      // `pull` needs a backend that can pull into (Ollama or LM Studio); without one the hint
      // would only lead to "no configured Ollama or LM Studio backend to pull … into".
      const pullHint = backends.some((backend) => backend.kind !== 'vllm')
        ? '"npx switchyard pull MODEL" pulls one, and '
        : '';
      say(
        `no backend serves a chat model yet: ${pullHint}"npx switchyard models" lists what the ` +
          'workers serve',
      );
    } else {
      const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello.' }] });
      say(`try: curl ${gatewayUrl}/v1/chat/completions${key} -d '${body}'`);
      if (startable === undefined) {
        say(
          `or over NATS: NATS_URL=${natsUrl} node docs/examples/chat-over-nats.mjs ${model} "Say hello."`,
        );
      } else {
        // Starting on demand is the gateway's (and `switchyard chat`'s): a plain NATS request
        // for a model nobody serves yet finds no responders.
        say(
          `the first request for ${model} through the gateway starts backend ` +
            `${startable.backend}, which takes a while ("npx switchyard start ${startable.backend}" ` +
            'starts it now)',
        );
      }
    }
    say('Ctrl-C stops everything.');
    processes.keepRunning();
  } catch (error) {
    await stopStack();
    // main reports these with the exit codes every command uses (69 for NATS that cannot be used).
    if (error instanceof UnavailableError) throw error;
    process.stderr.write(`switchyard: ${(error as Error).message}\n`);
    // A service that refused the configuration has said why on its stderr, shown above.
    if (error instanceof ChildExitedError && error.code === EXIT_INVALID_CONFIG) {
      return EXIT.invalidConfig;
    }
    return EXIT.fleetError;
  }

  // A service or nats-server that dies is restarted by ServiceProcesses (a simulator, like a real
  // backend, is not: discovery reports it offline); the stack runs until a signal.
  await stopAsked;
  say('stopping everything…');
  await stopStack();
  say('stopped');
  return EXIT.ok;
}

/**
 * The backends `up` adds to the configured ones: servers found on the well-known ports when
 * none is configured, and the simulators when asked (`--sim on`) or when there is no real one.
 */
async function addBackends(
  config: SwitchyardConfig,
  sim: SimMode,
  processes: ServiceProcesses,
  say: (line: string) => void,
): Promise<AddedBackend[]> {
  const found: AddedBackend[] = [];
  // The ports discovery probes too: a server on a port of its own is found by configuring it.
  const wellKnown = config.discovery.well_known;
  if (config.backends.length === 0 && sim !== 'on') {
    for (const kind of BACKEND_KINDS) {
      if (await isListening('127.0.0.1', wellKnown[kind])) {
        found.push({ id: `${kind}-local`, kind, url: `http://127.0.0.1:${wellKnown[kind]}` });
      }
    }
  }
  const real = config.backends.length + found.length;
  if (sim === 'off' || (sim === 'auto' && real > 0)) {
    if (real === 0)
      say('no backends configured or found on the well-known ports; workers have nothing to serve');
    return found;
  }
  say(
    '*** no real backend found: starting SIMULATED Ollama, LM Studio and vLLM servers (--sim off to prevent) ***',
  );
  return Promise.all(BACKEND_KINDS.map((kind) => startSim(kind, wellKnown[kind], processes)));
}

/** A simulator of `kind` on its well-known port, or on any free one when that is taken. */
async function startSim(
  kind: BackendKind,
  wellKnown: number,
  processes: ServiceProcesses,
): Promise<AddedBackend> {
  const port = (await isListening('127.0.0.1', wellKnown)) ? 0 : wellKnown;
  const child = processes.start({
    name: `sim-${kind}`,
    command: process.execPath,
    args: [
      ...[serviceEntry('sim'), '--kind', kind, '--port', String(port), '--load-ms', '0'],
      ...['--parent-pid', String(process.pid)],
    ],
  });
  const line = await child.firstLine(
    (text) => text.includes('"event":"listening"'),
    READY_TIMEOUT_MS,
  );
  const { url } = JSON.parse(line) as { url: string };
  return { id: `sim-${kind}`, kind, url };
}

/** Removes a nats-server's JetStream store; a failure is said, not fatal: the stack has stopped. */
/**
 * The model the ready banner's examples use: the simulators' `llama3.2:latest` when served, else
 * one the found servers hold, so that the example answers. `undefined` when none generates text,
 * or when the workers cannot be asked (the banner then says how to list models).
 */
async function modelToTry(config: SwitchyardConfig): Promise<string | undefined> {
  let nc: NatsConnection | undefined;
  try {
    nc = await connectNats(config.nats, { name: 'switchyard-up' });
    return await chatModelToTry(
      nc,
      new Subjects(config.nats.subject_prefix),
      SIMULATED_CHAT_MODEL,
      MODEL_QUERY_TIMEOUT_MS,
    );
  } catch {
    return undefined;
  } finally {
    await nc?.close();
  }
}

/**
 * The first model a managed backend is configured with (`backends[].models`, in file order): the
 * gateway lists it while the backend is stopped, and a request for it starts the backend.
 */
function modelToStart(config: SwitchyardConfig): { model: string; backend: string } | undefined {
  for (const backend of config.backends) {
    const model = backend.mode === 'managed' ? backend.models[0] : undefined;
    if (model !== undefined) return { model, backend: backend.id };
  }
  return undefined;
}

function isTerminal(output: NodeJS.WritableStream): boolean {
  return 'isTTY' in output && output.isTTY === true;
}

function removeStore(dir: string, say: (line: string) => void): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    say(`could not remove the JetStream store ${dir}: ${(error as Error).message}`);
  }
}

function configPath(args: readonly string[]): string | undefined {
  const index = args.indexOf('--config');
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith('--config='))?.slice('--config='.length);
}
