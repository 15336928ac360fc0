import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  lifecycleEventSchema,
  logsAnswerSchema,
  orchestratorErrorReplySchema,
  statusAnswerSchema,
  Subjects,
  SwitchyardError,
  type BackendConfig,
  type BackendStatus,
  type LifecycleEvent,
  type LogLine,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { RequestStreamClient, type StreamRequest, type StreamResult } from '@switchyard/nats';
import {
  closeConnection,
  startNatsServer,
  startServiceProcess,
  stopProcesses,
  tearDown,
  waitFor,
  type NatsServer,
  type ServiceProcess,
} from '@switchyard/testing';

const ORCHESTRATOR_ENTRY = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const OLLAMA_WORKER_ENTRY = fileURLToPath(
  new URL('../../../ollama-worker/dist/main.js', import.meta.url),
);
const CLI_ENTRY = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

/**
 * How long a test waits for the orchestrator's whole answer to a command: well inside jest's
 * 30 s per test, so that an answer that never comes fails with what the orchestrator logged
 * meanwhile ({@link OrchestratorBed.collect}), not with jest's bare timeout.
 */
export const ANSWER_WITHIN_MS = 20_000;

/** How many of the orchestrator's last output lines a missing answer quotes. */
const OUTPUT_LINES_QUOTED = 30;

/** Short timings so every behaviour shows within seconds. */
export const TEST_ORCHESTRATOR = {
  ready_poll_ms: 100,
  health_interval_ms: 500,
  start_timeout_ms: 20_000,
  stop_grace_ms: 3_000,
  restart: { initial_backoff_ms: 200, max_backoff_ms: 1_000, max_restarts: 3, window_ms: 60_000 },
  usage_poll_ms: 300,
} as const;

/** The configured command that runs a simulated backend: `switchyard sim --kind … --port …`. */
export function simCommand(
  kind: string,
  port: number,
  ...extra: string[]
): BackendConfig['command'] {
  return {
    program: process.execPath,
    args: [CLI_ENTRY, 'sim', '--kind', kind, '--port', String(port), '--load-ms', '0', ...extra],
    env: {},
  };
}

/** A managed Ollama sim backend on `port`, run by `switchyard sim` (extra sim options after). */
export function managedSim(
  id: string,
  port: number,
  fields: Partial<BackendConfig> = {},
  ...simOptions: string[]
): BackendConfig {
  return {
    id,
    kind: 'ollama',
    url: `http://127.0.0.1:${port}`,
    mode: 'managed',
    command: simCommand('ollama', port, ...simOptions),
    models: [],
    queue_size: 64,
    queue_timeout_ms: 30_000,
    ...fields,
  };
}

/**
 * A nats-server of the test's own and an orchestrator process with the given configuration,
 * with a connection that records every lifecycle event and sends commands.
 */
export class OrchestratorBed {
  readonly subjects = new Subjects();
  readonly events: LifecycleEvent[] = [];
  readonly client: RequestStreamClient;
  private readonly others: ServiceProcess[] = [];

  private constructor(
    readonly nats: NatsServer,
    readonly nc: NatsConnection,
    readonly orchestrator: ServiceProcess,
    private readonly configFile: string,
  ) {
    this.client = new RequestStreamClient(nc, { subjects: this.subjects, idleTimeoutMs: 30_000 });
    nc.subscribe(this.subjects.lifecycleWildcard, {
      callback: (error, msg) => {
        if (!error) this.events.push(lifecycleEventSchema.parse(msg.json()));
      },
    });
  }

  static async start(config: SwitchyardConfigInput, nats?: NatsServer): Promise<OrchestratorBed> {
    const server = nats ?? (await startNatsServer());
    const nc = await connect({ servers: server.url, name: 'orchestrator-test' });
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-orchestrator-'));
    const configFile = join(dir, 'switchyard.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        ...config,
        nats: { servers: [server.url] },
        orchestrator: { ...TEST_ORCHESTRATOR, ...config.orchestrator },
      }),
    );
    const orchestrator = startServiceProcess(ORCHESTRATOR_ENTRY, {
      env: { SWITCHYARD_CONFIG: configFile },
    });
    const bed = new OrchestratorBed(server, nc, orchestrator, configFile);
    await orchestrator.waitForLog('orchestrator ready', 20_000);
    await nc.flush();
    return bed;
  }

  /** Starts an Ollama worker process with the same configuration. */
  async startOllamaWorker(): Promise<ServiceProcess> {
    const worker = startServiceProcess(OLLAMA_WORKER_ENTRY, {
      env: { SWITCHYARD_CONFIG: this.configFile },
    });
    this.others.push(worker);
    await worker.waitForLog('ollama-worker started', 20_000);
    return worker;
  }

  /** Runs `start`, `stop` or `restart` and returns the backend's status from the answer. */
  async command(command: 'start' | 'stop' | 'restart', backend: string): Promise<BackendStatus> {
    const request = { id: `${command}-${Date.now()}`, backend, timeout_ms: ANSWER_WITHIN_MS };
    return resultOf(await this.collect(command, request)) as BackendStatus;
  }

  /** Runs `ensure` for `model` and returns its whole answer; ensures may run side by side. */
  async ensure(model: string): Promise<StreamResult> {
    const id = `ensure-${Math.random().toString(36).slice(2)}`;
    return this.collect('ensure', { id, model, timeout_ms: ANSWER_WITHIN_MS });
  }

  /**
   * Sends a request-stream command and waits for its whole answer, at most
   * {@link ANSWER_WITHIN_MS} whatever the request's own `timeout_ms`. An answer that does not
   * come in time fails quoting the orchestrator's last output (its backends' output and state
   * changes among them), as that is all a test run leaves to tell why.
   */
  async collect(
    command: 'start' | 'stop' | 'restart' | 'ensure' | 'pull',
    request: StreamRequest & Record<string, unknown>,
  ): Promise<StreamResult> {
    const timeoutMs = Math.min(request.timeout_ms ?? ANSWER_WITHIN_MS, ANSWER_WITHIN_MS);
    try {
      return await this.client.collect(this.subjects.orchestrator(command), request, { timeoutMs });
    } catch (error) {
      if (!(error instanceof SwitchyardError) || error.code !== 'timeout') throw error;
      throw new Error(
        `no whole answer to ${command} ${request.id} in ${timeoutMs} ms; the orchestrator's ` +
          `last output:\n${this.orchestrator.lastOutput(OUTPUT_LINES_QUOTED)}`,
        { cause: error },
      );
    }
  }

  async status(backend?: string): Promise<BackendStatus[]> {
    const reply = await this.nc.request(
      this.subjects.orchestrator('status'),
      JSON.stringify(backend === undefined ? {} : { backend }),
      { timeout: 5_000 },
    );
    return statusAnswerSchema.parse(unwrap(reply.json())).backends;
  }

  async logs(backend: string): Promise<LogLine[]> {
    const reply = await this.nc.request(
      this.subjects.orchestrator('logs'),
      JSON.stringify({ backend }),
      { timeout: 5_000 },
    );
    return logsAnswerSchema.parse(unwrap(reply.json())).lines;
  }

  /** Waits for a lifecycle event of `backend` in `state` after the first `after` events. */
  async waitForEvent(
    backend: string,
    state: LifecycleEvent['state'],
    options: { after?: number; timeoutMs?: number } = {},
  ): Promise<LifecycleEvent> {
    const matching = (): LifecycleEvent | undefined =>
      this.events
        .slice(options.after ?? 0)
        .find((event) => event.backend === backend && event.state === state);
    await waitFor(() => matching() !== undefined, {
      timeoutMs: options.timeoutMs ?? 30_000,
      description: `a lifecycle event "${state}" of ${backend}`,
    });
    return matching() as LifecycleEvent;
  }

  async close(): Promise<void> {
    await tearDown(
      () => stopProcesses(this.others),
      () => this.orchestrator.stop('SIGTERM'),
      () => closeConnection(this.nc),
      () => this.nats.stop(),
    );
  }
}

/** The `result` delta of a command's answer. */
export function resultOf(result: StreamResult): unknown {
  return result.deltas.find((delta) => delta.result !== undefined)?.result;
}

function unwrap(json: unknown): unknown {
  const error = orchestratorErrorReplySchema.safeParse(json);
  if (error.success) throw SwitchyardError.fromWire(error.data.error);
  return json;
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
