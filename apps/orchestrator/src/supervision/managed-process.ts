import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogLine } from '@switchyard/contracts';
import { GUARD_GRACE_ENV, type GuardMessage, type GuardRequest } from './guard-messages.js';
import { LineSplitter } from './output-lines.js';
import { describeSpawnFailure } from './spawn-failure.js';

/** How long to wait for the guard's last IPC message after it exited. */
const IPC_DRAIN_MS = 1_000;

const GUARD_ENTRY = fileURLToPath(new URL('./process-guard.js', import.meta.url));

/** A program to run: an argument array, never a shell line. */
export interface ProgramSpec {
  program: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string | undefined;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (no such file, not executable…). */
  spawnError?: string;
  /** Set with `spawnError` when starting the same command again cannot help (no such program…). */
  permanent?: boolean;
}

export interface ManagedProcessOptions {
  /** Each line of the program's stdout and stderr. */
  onLine(line: LogLine): void;
  /** How long the guard waits after SIGTERM before SIGKILL if the orchestrator dies. */
  orphanGraceMs: number;
}

/**
 * One run of a managed program, through the process guard (see process-guard.ts), which keeps it
 * and its children in a process group of their own and takes them down if the orchestrator dies.
 * `pid` is the program's own pid, once `spawned` resolves.
 */
export class ManagedProcess {
  readonly exited: Promise<ProcessExit>;
  /** Resolves with the program's pid, or rejects with why it could not start. */
  readonly spawned: Promise<number>;
  private programPid: number | undefined;
  private readonly guard: ChildProcess;

  constructor(spec: ProgramSpec, options: ManagedProcessOptions) {
    this.guard = spawn(process.execPath, [GUARD_ENTRY, spec.program, ...spec.args], {
      cwd: spec.cwd,
      env: {
        ...inheritedEnvironment(),
        ...spec.env,
        [GUARD_GRACE_ENV]: String(options.orphanGraceMs),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = new LineSplitter((line) =>
        options.onLine({ stream, line, at: new Date().toISOString() }),
      );
      this.guard[stream]?.on('data', (chunk: Buffer) => splitter.push(chunk));
      this.guard[stream]?.on('end', () => splitter.flush());
    }

    let reportedExit: ProcessExit | undefined;
    let resolveSpawned: (pid: number) => void = () => undefined;
    let rejectSpawned: (error: Error) => void = () => undefined;
    this.spawned = new Promise<number>((resolve, reject) => {
      resolveSpawned = resolve;
      rejectSpawned = reject;
    });
    // Nobody may be waiting for it when the program fails to start; `exited` reports it too.
    this.spawned.catch(() => undefined);

    this.guard.on('message', (message: GuardMessage) => {
      if (message.type === 'spawned') {
        this.programPid = message.pid;
        resolveSpawned(message.pid);
      } else if (message.type === 'spawn-failed') {
        const failure = describeSpawnFailure(spec.program, message.code, message.message);
        reportedExit = {
          code: null,
          signal: null,
          spawnError: failure.message,
          permanent: failure.permanent,
        };
        rejectSpawned(new Error(failure.message));
      } else {
        reportedExit = { code: message.code, signal: message.signal };
      }
    });
    this.exited = new Promise((resolve) => {
      const settle = (fallback: ProcessExit): void => {
        // The guard was killed itself: its program may still run, so stop the group here.
        if (reportedExit === undefined) this.killGroup('SIGKILL');
        const exit = reportedExit ?? fallback;
        rejectSpawned(new Error(`the program exited before it started (${describeExit(exit)})`));
        resolve(exit);
      };
      this.guard.once('exit', (code, signal) => {
        // Its last message may still be in the IPC channel: read to the channel's end first.
        if (!this.guard.connected) return settle({ code, signal });
        const timer = setTimeout(() => settle({ code, signal }), IPC_DRAIN_MS);
        this.guard.once('disconnect', () => {
          clearTimeout(timer);
          settle({ code, signal });
        });
      });
      this.guard.once('error', (error: NodeJS.ErrnoException) => {
        // The guard is Node itself, so it fails to start for want of its working directory.
        const missingCwd = error.code === 'ENOENT' && spec.cwd !== undefined;
        const spawnError = missingCwd ? `working directory "${spec.cwd}" not found` : error.message;
        rejectSpawned(new Error(spawnError));
        resolve({ code: null, signal: null, spawnError, permanent: missingCwd });
      });
    });
  }

  get pid(): number | undefined {
    return this.programPid;
  }

  /** Sends a signal to the program's whole process group. */
  signal(signal: NodeJS.Signals): void {
    const request: GuardRequest = { type: 'signal', signal };
    if (this.guard.connected) this.guard.send(request);
    else this.killGroup(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the program has exited. */
  async stop(graceMs: number): Promise<ProcessExit> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.programPid === undefined) return;
    try {
      process.kill(-this.programPid, signal);
    } catch {
      // ESRCH: nothing left.
    }
  }
}

/**
 * The orchestrator's environment without Switchyard's own settings: those may hold NATS
 * credentials, which a backend has no business seeing.
 */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('SWITCHYARD_')),
  );
}

/** "exit code 1", "signal SIGKILL", or why it never ran. */
export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError !== undefined) return `could not start: ${exit.spawnError}`;
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return `exit code ${exit.code ?? 'unknown'}`;
}
