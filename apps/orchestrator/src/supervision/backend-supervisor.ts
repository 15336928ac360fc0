import {
  SwitchyardError,
  type BackendConfig,
  type BackendStatus,
  type LifecycleEvent,
  type LifecycleState,
  type LogLine,
  type OrchestratorConfig,
} from '@switchyard/contracts';
import { RestartPolicy, type Logger } from '@switchyard/service';
import { servedModelName } from '../fleet/fleet.js';
import { HealthWatch, type HealthVerdict } from './health-watch.js';
import { managedCommandOf } from './managed-command.js';
import { describeExit, ManagedProcess, type ProcessExit } from './managed-process.js';
import { OutputBuffer } from './output-lines.js';
import { describePortHolder, isPortFree, portOf } from './port-check.js';
import { waitUntilReady } from './readiness.js';
import { StateWaiters } from './state-waiters.js';

/** Output lines quoted in a crash or start failure message. */
const TAIL_IN_MESSAGES = 5;
/**
 * The most characters of one output line quoted there. A server that prints its whole
 * configuration on one line (up to the 8,192 `logs` keeps) would otherwise make every lifecycle
 * event, status and HTTP error about the crash kilobytes long; `switchyard logs` has it whole.
 */
const LINE_IN_MESSAGES_CHARS = 240;

/** What an operator watching warnings must see: a crash, a restart, a backend given up on. */
const LOG_LEVEL_OF: Record<LifecycleState, 'info' | 'warn' | 'error'> = {
  starting: 'info',
  ready: 'info',
  unhealthy: 'warn',
  crashed: 'warn',
  restarting: 'warn',
  failed: 'error',
  stopping: 'info',
  stopped: 'info',
};

export interface BackendSupervisorOptions {
  backend: BackendConfig;
  settings: OrchestratorConfig;
  logger: Logger;
  publish(event: LifecycleEvent): void;
}

/**
 * The one owner of a configured backend's lifecycle. Managed: it spawns the configured program
 * (never anything a message names), waits for readiness, watches health, restarts after crashes
 * with backoff until the crash limit makes it `failed`, and stops it with SIGTERM then SIGKILL.
 * Monitored: it only watches health. External: nothing to do; it is taken as ready.
 */
export class BackendSupervisor {
  private state: LifecycleState;
  private since = new Date();
  private message: string | undefined;
  private restarts = 0;
  private process: ManagedProcess | undefined;
  private launchAttempt: AbortController | undefined;
  private launching = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Why the last start failed, for whoever waits on it. */
  private failure: SwitchyardError | undefined;
  private readonly output: OutputBuffer;
  /** How many of the buffer's lines the running (or last) process wrote. */
  private linesOfProcess = 0;
  private readonly policy: RestartPolicy;
  private readonly health: HealthWatch;
  private readonly waiters = new StateWaiters();
  private readonly log: Logger;

  constructor(private readonly options: BackendSupervisorOptions) {
    const { backend, settings } = options;
    this.log = options.logger.child({ backend: backend.id });
    this.output = new OutputBuffer(settings.log_lines);
    this.policy = new RestartPolicy(settings.restart);
    this.health = new HealthWatch({
      kind: backend.kind,
      url: backend.url,
      intervalMs: settings.health_interval_ms,
      unhealthyAfter: settings.unhealthy_after,
      onChange: (verdict, result) =>
        this.onHealth(verdict, result.ok ? undefined : `health check: ${result.reason}`),
    });
    this.state = backend.mode === 'external' ? 'ready' : 'stopped';
    if (backend.mode === 'external') this.message = 'external: assumed to be running';
    if (backend.mode === 'monitored') this.health.start();
  }

  get id(): string {
    return this.options.backend.id;
  }

  get config(): BackendConfig {
    return this.options.backend;
  }

  get current(): LifecycleState {
    return this.state;
  }

  /** Why the backend is `failed` (the crash limit, a taken port); undefined in any other state. */
  get failedWith(): SwitchyardError | undefined {
    return this.state === 'failed' ? this.failure : undefined;
  }

  status(): BackendStatus {
    const { backend } = this.options;
    return {
      backend: backend.id,
      kind: backend.kind,
      mode: backend.mode,
      url: backend.url,
      state: this.state,
      ...(this.process?.pid === undefined ? {} : { pid: this.process.pid }),
      restarts: this.restarts,
      since: this.since.toISOString(),
      ...(this.message === undefined ? {} : { message: this.message }),
      ...(backend.mode !== 'managed' || backend.models.length === 0
        ? {}
        : { models: backend.models.map((model) => servedModelName(backend.kind, model)) }),
    };
  }

  /**
   * The last lines the backend's process wrote. Only a managed backend has any here: a monitored
   * or external one writes where it runs, so asking is `unsupported`, not an empty answer that
   * reads as a silent backend.
   */
  logs(lines?: number): LogLine[] {
    const { mode } = this.options.backend;
    if (mode !== 'managed') {
      throw new SwitchyardError(
        'unsupported',
        `no logs of backend ${this.id}: it is ${mode}, so the orchestrator does not run its ` +
          'process and keeps none of its output; only managed backends have logs here',
      );
    }
    return this.output.tail(lines);
  }

  /**
   * Starts the backend unless it runs already, and resolves once it is ready. Concurrent callers
   * share one start. A start after `failed` forgets the crash history: a person asked for it.
   */
  async start(signal?: AbortSignal): Promise<BackendStatus> {
    this.assertManaged('start');
    if (this.state === 'stopping') {
      await this.waiters.waitFor(
        (state) => state === 'stopped',
        () => undefined,
        signal,
      );
    }
    if (this.state === 'ready' || this.state === 'unhealthy') return this.status();
    const ready = this.waiters.waitFor(
      (state) => state === 'ready',
      (state) =>
        state === 'failed' || state === 'stopped'
          ? (this.failure ??
            new SwitchyardError('start_failed', `backend ${this.id} stopped before it was ready`))
          : undefined,
      signal,
    );
    if ((this.state === 'stopped' || this.state === 'failed') && !this.launching) {
      this.policy.reset();
      this.restarts = 0;
      this.failure = undefined;
      void this.launch();
    }
    await ready;
    return this.status();
  }

  /** SIGTERM, SIGKILL after the grace period; resolves once the process is gone. */
  async stop(): Promise<BackendStatus> {
    this.assertManaged('stop');
    clearTimeout(this.restartTimer);
    this.launchAttempt?.abort();
    this.health.stop();
    const running = this.process;
    if (running === undefined) {
      if (this.state !== 'stopped') this.transition('stopped', {});
      return this.status();
    }
    this.failure = new SwitchyardError('start_failed', `backend ${this.id} was stopped`);
    this.transition('stopping', {});
    await running.stop(this.options.settings.stop_grace_ms);
    // The exit handler has normally run by now; if not, it is about to.
    if (this.state !== 'stopped')
      await this.waiters.waitFor(
        (s) => s === 'stopped',
        () => undefined,
      );
    return this.status();
  }

  async restart(signal?: AbortSignal): Promise<BackendStatus> {
    this.assertManaged('restart');
    await this.stop();
    return this.start(signal);
  }

  /** Stops whatever runs, for the orchestrator's own shutdown. */
  async shutdown(): Promise<void> {
    this.health.stop();
    if (this.options.backend.mode === 'managed') await this.stop();
  }

  private assertManaged(command: string): void {
    const { mode } = this.options.backend;
    if (mode !== 'managed') {
      throw new SwitchyardError(
        'unsupported',
        `cannot ${command} backend ${this.id}: it is ${mode}, so its process is not Switchyard's to run`,
      );
    }
  }

  private async launch(): Promise<void> {
    // The state says `starting` only once the process runs; until then this keeps a second
    // caller from launching a second copy.
    this.launching = true;
    try {
      await this.launchOnce();
    } finally {
      this.launching = false;
    }
  }

  private async launchOnce(): Promise<void> {
    const attempt = new AbortController();
    this.launchAttempt = attempt;
    const { backend, settings } = this.options;
    const { host, port } = portOf(backend.url);
    if (!(await isPortFree(host, port))) {
      const holder = await describePortHolder(port);
      this.failure = new SwitchyardError(
        'port_in_use',
        `cannot start backend ${this.id}: port ${port} is already in use` +
          `${holder === undefined ? '' : ` by ${holder}`}; stop that process or change the backend's url`,
      );
      this.transition('failed', { message: this.failure.message });
      return;
    }
    if (attempt.signal.aborted) return;
    this.linesOfProcess = 0;
    const running = new ManagedProcess(managedCommandOf(backend), {
      orphanGraceMs: settings.stop_grace_ms,
      onLine: (line) => {
        this.output.add(line);
        this.linesOfProcess++;
        this.log.info({ stream: line.stream }, line.line);
      },
    });
    this.process = running;
    void running.exited.then((exit) => this.onExit(running, exit));
    const pid = await running.spawned.catch(() => undefined);
    // A program that never ran is not starting: its exit, about to come, says what happened.
    if (this.process !== running || pid === undefined) return;
    this.transition('starting', { pid });
    const outcome = await waitUntilReady({
      kind: backend.kind,
      url: backend.url,
      pollMs: settings.ready_poll_ms,
      timeoutMs: settings.start_timeout_ms,
      exited: running.exited,
      signal: attempt.signal,
    });
    if (this.process !== running || attempt.signal.aborted) return;
    if (outcome.type === 'ready') {
      this.transition('ready', {});
      this.health.start('up');
    } else if (outcome.type === 'timeout') {
      this.message = `not ready within ${settings.start_timeout_ms} ms (${outcome.lastReason})`;
      running.signal('SIGKILL');
    }
  }

  private onExit(exited: ManagedProcess, exit: ProcessExit): void {
    if (exited !== this.process) return;
    this.process = undefined;
    this.health.stop();
    const exitFields = {
      ...(exit.code === null ? {} : { exit_code: exit.code }),
      ...(exit.signal === null ? {} : { signal: exit.signal }),
    };
    if (this.state === 'stopping') {
      this.transition('stopped', exitFields);
      return;
    }
    if (exit.permanent === true) {
      this.failure = new SwitchyardError(
        'start_failed',
        `cannot start backend ${this.id}: ${exit.spawnError}`,
      );
      this.transition('failed', { message: this.failure.message });
      return;
    }
    const why = this.state === 'starting' && this.message ? `${this.message}; ` : '';
    const message = `${why}${describeExit(exit)}${this.tailForMessage()}`;
    this.transition('crashed', { ...exitFields, message });
    const decision = this.policy.onCrash();
    if (!decision.restart) {
      const { max_restarts, window_ms } = this.options.settings.restart;
      this.failure = new SwitchyardError(
        'start_failed',
        `backend ${this.id} crashed more than ${max_restarts} times within ${window_ms} ms; ` +
          `not restarting it until it is started again. Last: ${message}`,
      );
      this.transition('failed', { message: this.failure.message });
      return;
    }
    this.restarts += 1;
    this.transition('restarting', {
      message: `restarting in ${decision.delayMs} ms after ${message}`,
    });
    this.restartTimer = setTimeout(() => void this.launch(), decision.delayMs);
  }

  private onHealth(verdict: HealthVerdict, reason: string | undefined): void {
    const reasonField = reason === undefined ? {} : { message: reason };
    if (verdict === 'up' && this.state !== 'ready') this.transition('ready', {});
    else if (verdict === 'down' && this.state === 'ready')
      this.transition('unhealthy', reasonField);
    else if (verdict === 'gone' && this.options.backend.mode === 'monitored') {
      this.transition('stopped', reasonField);
    } else if (verdict === 'gone' && this.state === 'ready') {
      // Managed and not listening: the exit handler decides; until then it is unhealthy.
      this.transition('unhealthy', reasonField);
    }
  }

  /** The last lines of the process that just ended: the buffer holds its forerunners' too. */
  private tailForMessage(): string {
    const count = Math.min(TAIL_IN_MESSAGES, this.linesOfProcess);
    if (count === 0) return '';
    const tail = this.output
      .tail(count)
      .map(({ line }) =>
        line.length > LINE_IN_MESSAGES_CHARS ? `${line.slice(0, LINE_IN_MESSAGES_CHARS)}…` : line,
      );
    return `; last output: ${tail.join(' | ')}`;
  }

  private transition(state: LifecycleState, fields: Partial<LifecycleEvent>): void {
    const previous = this.state;
    this.state = state;
    this.since = new Date();
    this.message = fields.message;
    const event: LifecycleEvent = {
      backend: this.id,
      state,
      previous_state: previous,
      ...(this.process?.pid === undefined ? {} : { pid: this.process.pid }),
      restarts: this.restarts,
      ...fields,
      at: this.since.toISOString(),
    };
    this.log[LOG_LEVEL_OF[state]](
      { state, previous_state: previous, message: fields.message },
      `backend ${state}`,
    );
    this.options.publish(event);
    this.waiters.notify(state);
  }
}
