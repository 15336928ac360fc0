import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait-for.js';
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

/** A Switchyard service (or any node program that logs pino JSON lines) run as a child process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  logs(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line whose `msg` matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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
  const matches = (line: Record<string, unknown>, msg: string | RegExp): boolean =>
    typeof line['msg'] === 'string' &&
    (typeof msg === 'string' ? line['msg'] === msg : msg.test(line['msg']));
  return {
    child,
    logs,
    stderr: () => stderr,
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
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
