import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RestartPolicy, type RestartSettings } from '@switchyard/service';

const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

/** A child that exited before it said it was ready: with its exit code, or the signal that ended it. */
export class ChildExitedError extends Error {
  override readonly name = 'ChildExitedError';
  constructor(
    readonly child: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null = null,
  ) {
    super(`${child} exited (${signal ?? `code ${code}`}) before it was ready`);
  }
}

export interface ChildSpec {
  /** The prefix of its log lines, e.g. `ollama-worker-1`. */
  name: string;
  /** The program: `process.execPath` for a node script, or a binary such as `nats-server`. */
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  /** The signal that stops it cleanly; SIGTERM unless the program wants another. */
  stopSignal?: NodeJS.Signals;
  /** Give it an IPC channel: a Switchyard service says over it that it has started. */
  ipc?: boolean;
  /**
   * Started again when it exits unasked, with these settings' backoff and limit (as compose's
   * `restart: unless-stopped` restarts a container); without them an exit is only reported.
   */
  restart?: RestartSettings;
}

export interface RunningChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly stopSignal: NodeJS.Signals;
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line that `match` accepts. */
  firstLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Resolves with the first IPC message that `match` accepts (a child started with `ipc`). */
  firstMessage(match: (message: unknown) => boolean, timeoutMs: number): Promise<unknown>;
}

/**
 * The processes `switchyard up` runs, each printed line by line with a coloured `[name]` prefix.
 * Stopping sends its stop signal (SIGTERM unless the spec names another) to every child, in
 * reverse start order so the gateway stops taking requests before the workers go, and SIGKILL to
 * any that outlive the grace period.
 *
 * Each child runs in a process group of its own, so a terminal's Ctrl-C (sent to the whole
 * foreground group) reaches only `up`, which then stops the children in that order. Left in
 * `up`'s group, every child would get the SIGINT at once: NATS and the backends would go while
 * the gateway still drained, and `up`'s SIGTERM would then be a second signal, which ends a
 * service without draining. A child that must not outlive `up` when `up` is killed outright is
 * told its pid (`SWITCHYARD_PARENT_PID` for services, `--parent-pid` for the simulator).
 *
 * Once `keepRunning` is called, a child with restart settings that exits unasked is started again
 * after a backoff, in its predecessor's place in the start order, so stopping still goes gateway
 * first however often a worker was restarted.
 */
export class ServiceProcesses {
  /** Every child, in start order. */
  private readonly slots: Slot[] = [];
  private readonly pendingRestarts = new Set<NodeJS.Timeout>();
  private restarting = false;
  /** Set once stopping began: exits are expected from then on, and nothing is restarted. */
  private stopping = false;
  private colour = 0;

  constructor(
    private readonly output: NodeJS.WritableStream,
    private readonly useColour: boolean,
  ) {}

  get running(): readonly RunningChild[] {
    return this.slots.map((slot) => slot.current).filter((child) => !hasExited(child));
  }

  start(spec: ChildSpec): RunningChild {
    const policy = spec.restart === undefined ? undefined : new RestartPolicy(spec.restart);
    const prefix = this.prefix(spec.name);
    // The process cannot exit (its handler looks up the slot) before this turn ends.
    const current = this.launch(this.slots.length, spec, prefix);
    this.slots.push({ spec, prefix, policy, current });
    return current;
  }

  /**
   * From now on, restarts a child with restart settings that exits unasked (and one that already
   * has, now). `up` calls it once the stack is ready: until then an exit fails the start-up, which
   * stops everything, so a restart would only be announced to be cancelled.
   */
  keepRunning(): void {
    if (this.restarting) return;
    this.restarting = true;
    this.slots.forEach((slot, index) => {
      if (hasExited(slot.current)) this.restartLater(index);
    });
  }

  private launch(index: number, spec: ChildSpec, prefix: string): RunningChild {
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: spec.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const lineListeners = new Set<(line: string) => void>();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.output.write(`${prefix} ${line}\n`);
        for (const listener of lineListeners) listener(line);
      });
    }
    const messageListeners = new Set<(message: unknown) => void>();
    child.on('message', (message) => {
      for (const listener of messageListeners) listener(message);
    });
    let exitSignal: NodeJS.Signals | null = null;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, signal) => {
        exitSignal = signal;
        // Any exit nobody asked for is news, a clean one too.
        if (signal !== null || code !== 0 || !this.stopping)
          this.output.write(`${prefix} exited (${signal ?? `code ${code}`})\n`);
        resolve(code);
        if (this.restarting && !this.stopping) this.restartLater(index);
      }),
    );
    const exitedEarly = exited.then((code) => new ChildExitedError(spec.name, code, exitSignal));
    return {
      name: spec.name,
      process: child,
      stopSignal: spec.stopSignal ?? 'SIGTERM',
      exited,
      firstLine: (match, timeoutMs) =>
        firstOf(lineListeners, match, timeoutMs, spec.name, exitedEarly),
      firstMessage: (match, timeoutMs) =>
        firstOf(messageListeners, match, timeoutMs, spec.name, exitedEarly),
    };
  }

  private restartLater(index: number): void {
    const slot = this.slots[index] as Slot;
    const { policy, prefix, spec } = slot;
    if (policy === undefined) return;
    const decision = policy.onCrash();
    if (!decision.restart) {
      const { max_restarts, window_ms } = policy.settings;
      this.output.write(
        `${prefix} not restarted again: it exited more than ${max_restarts} times within ${seconds(window_ms)}\n`,
      );
      return;
    }
    this.output.write(`${prefix} restarting in ${seconds(decision.delayMs)}\n`);
    const timer = setTimeout(() => {
      this.pendingRestarts.delete(timer);
      slot.current = this.launch(index, spec, prefix);
    }, decision.delayMs);
    this.pendingRestarts.add(timer);
  }

  private stopRestarting(): void {
    this.stopping = true;
    for (const timer of this.pendingRestarts) clearTimeout(timer);
    this.pendingRestarts.clear();
  }

  /** Its stop signal to every child, newest first; SIGKILL after `graceMs` to any still running. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopRestarting();
    for (const { current: child } of [...this.slots].reverse()) {
      if (hasExited(child)) continue;
      child.process.kill(child.stopSignal);
      const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
      await child.exited;
      clearTimeout(timer);
    }
  }

  /** SIGKILL to every child still running. */
  killAll(): void {
    this.stopRestarting();
    for (const child of this.running) child.process.kill('SIGKILL');
  }

  private prefix(name: string): string {
    const padded = `[${name}]`;
    if (!this.useColour) return padded;
    const colour = COLOURS[this.colour++ % COLOURS.length] as number;
    return `\u001b[${colour}m${padded}\u001b[0m`;
  }
}

/** One child of the stack: what starts it, and its latest process. */
interface Slot {
  spec: ChildSpec;
  prefix: string;
  policy: RestartPolicy | undefined;
  current: RunningChild;
}

function hasExited(child: RunningChild): boolean {
  return child.process.exitCode !== null || child.process.signalCode !== null;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The first value a child's listeners hear that `match` accepts; rejected after `timeoutMs`, or
 * with the error `exitedEarly` gives when the child exits first.
 */
function firstOf<T>(
  listeners: Set<(value: T) => void>,
  match: (value: T) => boolean,
  timeoutMs: number,
  name: string,
  exitedEarly: Promise<ChildExitedError>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(listener);
      reject(new Error(`${name} said nothing expected within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (value: T): void => {
      if (!match(value)) return;
      clearTimeout(timer);
      listeners.delete(listener);
      resolve(value);
    };
    listeners.add(listener);
    void exitedEarly.then((error) => {
      clearTimeout(timer);
      listeners.delete(listener);
      reject(error);
    });
  });
}
