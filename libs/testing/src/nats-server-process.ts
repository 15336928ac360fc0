import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getMonitoringJson } from './monitoring.js';
import { sleep } from './wait-for.js';

/** Thrown when the `nats-server` binary cannot be found. */
export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
}

/** Thrown when nats-server exits or stays unready while starting; `log` holds its last lines. */
export class NatsServerStartError extends Error {
  override readonly name = 'NatsServerStartError';
  constructor(
    message: string,
    readonly log: string,
    options?: ErrorOptions,
  ) {
    super(log.length > 0 ? `${message}\n--- nats-server output ---\n${log}` : message, options);
  }

  /** Whether a listener could not bind because another process holds the port. */
  get portInUse(): boolean {
    return /address already in use/i.test(this.log);
  }
}

/** The ports a running server listens on; `cluster` only when it has a cluster listener. */
export interface ServerPorts {
  client: number;
  monitor: number;
  cluster?: number | undefined;
}

const LOG_LINES_KEPT = 60;
const STOP_TIMEOUT_MS = 5_000;

// Children still running when the test process exits are killed, so no server outlives its suite
// even when a test forgets its afterAll or jest tears the worker down.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * One nats-server process at a time in a directory the caller owns. It listens on loopback only;
 * ports given as -1 are chosen by the server and read back from its ports file, which the server
 * writes once its listeners accept connections.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output: string[] = [];

  constructor(
    private readonly binary: string,
    private readonly dir: string,
    private readonly args: readonly string[],
    private readonly startTimeoutMs: number,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** The server's recent output, for diagnosing a failed test. */
  log(): string {
    return this.output.join('\n');
  }

  async start(client: number, monitor: number): Promise<ServerPorts> {
    if (this.child) throw new Error('nats-server is already running');
    this.output = [];
    const args = ['-a', '127.0.0.1', '-p', String(client), '-m', String(monitor)];
    args.push('--ports_file_dir', this.dir, ...this.args);
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    const capture = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').trimEnd().split('\n'));
      if (this.output.length > LOG_LINES_KEPT)
        this.output.splice(0, this.output.length - LOG_LINES_KEPT);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    let failure: Error | undefined;
    this.exited = new Promise((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        failure =
          error.code === 'ENOENT'
            ? new NatsServerNotFoundError(
                `"${this.binary}" was not found on PATH. Install nats-server, e.g. ` +
                  '`sudo apt-get install nats-server` (Debian/Ubuntu), `brew install nats-server` ' +
                  '(macOS) or `go install github.com/nats-io/nats-server/v2@latest`, or point ' +
                  'NATS_SERVER_BIN at the binary.',
                { cause: error },
              )
            : error;
        this.forget(child);
        resolve();
      });
      child.once('exit', (code, signal) => {
        failure ??= new NatsServerStartError(
          `nats-server exited while starting (code ${code}, signal ${signal})`,
          this.log(),
        );
        this.forget(child);
        resolve();
      });
    });
    try {
      const ports = await this.waitUntilReady(child, () => failure);
      return ports;
    } catch (error) {
      await this.terminate('SIGKILL');
      throw error;
    }
  }

  /** Sends `signal` and waits for the process to exit (SIGKILL after a bounded wait). */
  async terminate(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private forget(child: ChildProcess): void {
    running.delete(child);
    if (this.child === child) this.child = undefined;
  }

  private async waitUntilReady(
    child: ChildProcess,
    failure: () => Error | undefined,
  ): Promise<ServerPorts> {
    const deadline = Date.now() + this.startTimeoutMs;
    let ports: ServerPorts | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      const failed = failure();
      if (failed) throw failed;
      try {
        ports ??= await this.readPortsFile(child.pid);
        if (ports) {
          const health = await getMonitoringJson<{ status?: string }>(
            `http://127.0.0.1:${ports.monitor}/healthz`,
          );
          if (health.status === 'ok') return ports;
        }
      } catch (error) {
        lastError = error;
      }
      await sleep(20);
    }
    throw new NatsServerStartError(
      `nats-server was not ready within ${this.startTimeoutMs} ms`,
      this.log(),
      lastError === undefined ? undefined : { cause: lastError },
    );
  }

  private async readPortsFile(pid: number | undefined): Promise<ServerPorts | undefined> {
    const name = (await readdir(this.dir)).find((file) => file.endsWith(`_${pid}.ports`));
    if (name === undefined) return undefined;
    const file = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as {
      nats?: string[];
      monitoring?: string[];
      cluster?: string[];
    };
    const client = portOf(file.nats?.[0]);
    const monitor = portOf(file.monitoring?.[0]);
    if (client === undefined || monitor === undefined) return undefined;
    return { client, monitor, cluster: portOf(file.cluster?.[0]) };
  }
}

function portOf(url: string | undefined): number | undefined {
  return url === undefined ? undefined : Number(new URL(url).port);
}
