import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ChildSpec {
  /** A short name for messages ("gateway", "sim-s1"). */
  name: string;
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  /** Open an IPC channel (the load generator reports over it). */
  ipc?: boolean;
}

const OUTPUT_TAIL_CHARS = 8_000;

/** Every child still running, so an interrupted run can stop them all. */
const running = new Set<ManagedChild>();

/** Stops every child the harness started that is still running (last started, first stopped). */
export async function stopAllChildren(graceMs = 10_000): Promise<void> {
  for (const child of [...running].reverse()) await child.stop(graceMs);
}

/**
 * A child process the harness started: its output as lines (kept only as a bounded tail for
 * error messages), line listeners, and a stop that sends SIGTERM, then SIGKILL after a grace.
 */
export class ManagedChild {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private tail = '';
  private readonly listeners = new Set<(line: string) => void>();

  constructor(readonly spec: ChildSpec) {
    const options: SpawnOptions = {
      env: { ...process.env, ...spec.env },
      stdio: spec.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    };
    this.child = spawn(spec.command, [...spec.args], options);
    running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      }),
    );
    this.child.once('error', (error) => this.remember(`spawn error: ${error.message}\n`));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.remember(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) for (const listener of this.listeners) listener(line);
      });
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.spec.name} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Calls `listener` with each further line of stdout or stderr; returns an unsubscribe. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first line that matches; rejects on exit or after `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | undefined, line?: string): void => {
        clearTimeout(timer);
        unsubscribe();
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve(line as string);
      };
      const unsubscribe = this.onLine((line) => {
        if (match(line)) done(undefined, line);
      });
      const onExit = (): void =>
        done(new Error(`${this.spec.name} exited before ${what}; its output:\n${this.output()}`));
      const timer = setTimeout(
        () =>
          done(
            new Error(
              `${this.spec.name}: no ${what} within ${timeoutMs} ms; output:\n${this.output()}`,
            ),
          ),
        timeoutMs,
      );
      this.child.once('exit', onExit);
    });
  }

  /** The last few thousand characters the process wrote. */
  output(): string {
    return this.tail;
  }

  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private remember(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  }
}
