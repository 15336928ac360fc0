import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

/** A child that exited before it said it was ready; `code` is its exit code (null: a signal). */
export class ChildExitedError extends Error {
  override readonly name = 'ChildExitedError';
  constructor(
    readonly child: string,
    readonly code: number | null,
  ) {
    super(`${child} exited (code ${code}) before it was ready`);
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
}

export interface RunningChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly stopSignal: NodeJS.Signals;
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line that `match` accepts. */
  firstLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
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
 */
export class ServiceProcesses {
  private readonly children: RunningChild[] = [];
  private colour = 0;

  constructor(
    private readonly output: NodeJS.WritableStream,
    private readonly useColour: boolean,
  ) {}

  get running(): readonly RunningChild[] {
    return this.children.filter(
      (child) => child.process.exitCode === null && child.process.signalCode === null,
    );
  }

  start(spec: ChildSpec): RunningChild {
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = this.prefix(spec.name);
    const listeners = new Set<(line: string) => void>();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.output.write(`${prefix} ${line}\n`);
        for (const listener of listeners) listener(line);
      });
    }
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, signal) => {
        if (signal !== null || code !== 0)
          this.output.write(`${prefix} exited (${signal ?? `code ${code}`})\n`);
        resolve(code);
      }),
    );
    const running: RunningChild = {
      name: spec.name,
      process: child,
      stopSignal: spec.stopSignal ?? 'SIGTERM',
      exited,
      firstLine: (match, timeoutMs) =>
        new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => {
            listeners.delete(listener);
            reject(new Error(`${spec.name} said nothing expected within ${timeoutMs} ms`));
          }, timeoutMs);
          const listener = (line: string): void => {
            if (!match(line)) return;
            clearTimeout(timer);
            listeners.delete(listener);
            resolve(line);
          };
          listeners.add(listener);
          void exited.then((code) => {
            clearTimeout(timer);
            listeners.delete(listener);
            reject(new ChildExitedError(spec.name, code));
          });
        }),
    };
    this.children.push(running);
    return running;
  }

  /** Its stop signal to every child, newest first; SIGKILL after `graceMs` to any still running. */
  async stopAll(graceMs: number): Promise<void> {
    for (const child of [...this.children].reverse()) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
      child.process.kill(child.stopSignal);
      const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
      await child.exited;
      clearTimeout(timer);
    }
  }

  /** SIGKILL to every child still running. */
  killAll(): void {
    for (const child of this.running) child.process.kill('SIGKILL');
  }

  private prefix(name: string): string {
    const padded = `[${name}]`;
    if (!this.useColour) return padded;
    const colour = COLOURS[this.colour++ % COLOURS.length] as number;
    return `\u001b[${colour}m${padded}\u001b[0m`;
  }
}
