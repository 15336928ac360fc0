import { spawn, type ChildProcess } from 'node:child_process';
import { PENDING, settleWithin, waitFor } from './wait-for.js';
import { SCHEDULING_SLACK_MS } from './scheduling-slack.js';

export interface ServiceProcessOptions {
  /** Extra environment; the process gets JSON logs and no config file unless this says otherwise. */
  env?: Record<string, string>;
  args?: string[];
  /**
   * Runs it as a shell runs a foreground job: leader of a process group of its own, so that
   * `process.kill(-child.pid, signal)` reaches it and every child it did not move out of the
   * group, as a terminal's Ctrl-C does.
   */
  processGroup?: boolean;
}

/**
 * How long {@link ServiceProcess.stop} waits for the process to exit. A service ends itself
 * `shutdown.grace_ms` (10 s by default) plus 5 s after a signal whatever its shutdown is doing, so
 * a process still running after this is stuck, not slow.
 */
export const SERVICE_STOP_TIMEOUT_MS = 20_000 + SCHEDULING_SLACK_MS;

/** How many of its last output lines a stuck process's error quotes. */
const QUOTED_LINES = 15;

/** Thrown by {@link ServiceProcess.stop} when the process outlived its stop signal; it was killed. */
export class ServiceStopTimeoutError extends Error {
  override readonly name = 'ServiceStopTimeoutError';
}

export interface StopOptions {
  /** How long to wait for the exit before SIGKILL; {@link SERVICE_STOP_TIMEOUT_MS} by default. */
  timeoutMs?: number;
}

/** A Switchyard service (or any node program that logs pino JSON lines) run as a child process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  logs(): Record<string, unknown>[];
  stderr(): string;
  /** Its last `lines` lines of output, stdout's then stderr's: what to quote when it misbehaved. */
  lastOutput(lines: number): string;
  /** Resolves with the first log line whose `msg` matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /**
   * Sends a signal and resolves with how the process ended. A process still running after
   * `timeoutMs` is killed and the call fails with a {@link ServiceStopTimeoutError} quoting its
   * last output: a teardown must end, or the test run never does.
   */
  stop(
    signal?: NodeJS.Signals,
    options?: StopOptions,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node <entry>`; tests stop it (or it is killed when the test process exits). */
export function startServiceProcess(
  entry: string,
  options: ServiceProcessOptions = {},
): ServiceProcess {
  const child = spawn(process.execPath, [entry, ...(options.args ?? [])], {
    env: {
      ...process.env,
      SWITCHYARD_LOG__FORMAT: 'json',
      SWITCHYARD_CONFIG: '/dev/null',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve({ code, signal });
    }),
  );
  const logs = (): Record<string, unknown>[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const lastOutput = (lines: number): string =>
    (stdout + stderr).trimEnd().split('\n').slice(-lines).join('\n');
  const matches = (line: Record<string, unknown>, msg: string | RegExp): boolean =>
    typeof line['msg'] === 'string' &&
    (typeof msg === 'string' ? line['msg'] === msg : msg.test(line['msg']));
  return {
    child,
    logs,
    stderr: () => stderr,
    lastOutput,
    exited,
    async waitForLog(msg, timeoutMs = 15_000 + SCHEDULING_SLACK_MS) {
      await waitFor(() => logs().some((line) => matches(line, msg)) || child.exitCode !== null, {
        timeoutMs,
        description: `a log line "${String(msg)}"`,
      });
      const line = logs().find((candidate) => matches(candidate, msg));
      if (line === undefined)
        throw new Error(`the process exited before logging "${String(msg)}"; stderr: ${stderr}`);
      return line;
    },
    async stop(signal = 'SIGTERM', { timeoutMs = SERVICE_STOP_TIMEOUT_MS } = {}) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const outcome = await settleWithin(() => exited, timeoutMs);
      if (outcome !== PENDING) return outcome;
      child.kill('SIGKILL');
      await exited;
      const error = new ServiceStopTimeoutError(
        `${entry} (pid ${child.pid}) was still running ${timeoutMs} ms after ${signal}; ` +
          `killed it. Its last output:\n${lastOutput(QUOTED_LINES)}`,
      );
      // Also said at once: when the failure outlives the hook that awaited it (jest gave up on
      // the hook first), the rejection reaches nobody.
      process.stderr.write(`${error.message}\n`);
      throw error;
    },
  };
}

/**
 * Stops every process at once and waits for them all; fails with the first failure, once the
 * others have ended too.
 */
export async function stopProcesses(
  processes: readonly ServiceProcess[],
  signal: NodeJS.Signals = 'SIGTERM',
  options: StopOptions = {},
): Promise<void> {
  const outcomes = await Promise.allSettled(
    processes.map((service) => service.stop(signal, options)),
  );
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
