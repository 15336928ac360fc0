import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerProcess, type ServerPorts } from './nats-server-process.js';
import { SCHEDULING_SLACK_MS } from './scheduling-slack.js';

export interface NatsServerOptions {
  /** Require this user and password (`--user`/`--pass`). */
  user?: string;
  password?: string;
  /** Require this token (`--auth`). */
  token?: string;
  /**
   * A nats-server configuration file's text (for nkey users, accounts, TLS…), written to the
   * server's temp directory and passed with `-c`. Command-line flags win over it.
   */
  config?: string;
  /** JetStream with a store in the temp directory. Default true. */
  jetstream?: boolean;
  /** `--server_name`; nats-server picks one when absent. */
  serverName?: string;
  /** Any further command-line arguments. */
  args?: readonly string[];
  /** The binary; default `$NATS_SERVER_BIN` or `nats-server` from PATH. */
  binary?: string;
  /** How long the server may take to accept connections. Default 10 s. */
  startTimeoutMs?: number;
}

/** A nats-server process started for a test. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` of the monitoring endpoints (`/varz`, `/connz`, `/routez`…). */
  readonly monitorUrl: string;
  /** The temp directory holding the JetStream store and config; removed by `stop()`. */
  readonly dir: string;
  /** The process id while running. */
  readonly pid: number | undefined;
  readonly isRunning: boolean;
  /** Stops the server (SIGTERM) if it runs and removes its temp directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server if it runs and starts it again on the same ports with the same store. */
  restart(): Promise<void>;
  /** Kills the server with SIGKILL, as a crash would; `restart()` brings it back. */
  kill(): Promise<void>;
  /** The server's recent output. */
  log(): string;
}

/** The pieces a node is made of; the cluster helper builds nodes from them as well. */
export interface NodeSpec {
  binary: string;
  dir: string;
  args: string[];
  startTimeoutMs: number;
}

/**
 * Starts a nats-server on a random free loopback port (never 4222), with JetStream in its own
 * temp store, and resolves once it accepts connections and reports healthy.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const spec = await prepareNode(options);
  const server = new NatsServerHandle(spec);
  try {
    await server.start({ client: -1, monitor: -1 });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Makes the temp directory and the command line for one server. */
export async function prepareNode(options: NatsServerOptions): Promise<NodeSpec> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-nats-'));
  const args: string[] = [];
  if (options.config !== undefined) {
    const configFile = join(dir, 'nats.conf');
    await writeFile(configFile, options.config);
    args.push('-c', configFile);
  }
  if (options.jetstream ?? true) args.push('-js', '-sd', join(dir, 'store'));
  if (options.serverName !== undefined) args.push('--server_name', options.serverName);
  if (options.user !== undefined) args.push('--user', options.user);
  if (options.password !== undefined) args.push('--pass', options.password);
  if (options.token !== undefined) args.push('--auth', options.token);
  args.push(...(options.args ?? []));
  return {
    binary: options.binary ?? process.env['NATS_SERVER_BIN'] ?? 'nats-server',
    dir,
    args,
    startTimeoutMs: options.startTimeoutMs ?? 10_000 + SCHEDULING_SLACK_MS,
  };
}

export class NatsServerHandle implements NatsServer {
  private readonly process: NatsServerProcess;
  private ports: ServerPorts | undefined;
  private stopped = false;

  constructor(private readonly spec: NodeSpec) {
    this.process = new NatsServerProcess(spec.binary, spec.dir, spec.args, spec.startTimeoutMs);
  }

  get port(): number {
    return this.requirePorts().client;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get monitorUrl(): string {
    return `http://127.0.0.1:${this.requirePorts().monitor}`;
  }

  get dir(): string {
    return this.spec.dir;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get isRunning(): boolean {
    return this.process.isRunning;
  }

  /** Starts on the given ports (-1: the server picks); later restarts reuse the same ports. */
  async start(ports: { client: number; monitor: number }): Promise<void> {
    this.ports = await this.process.start(ports.client, ports.monitor);
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error('the server was stopped; start a new one');
    const { client, monitor } = this.requirePorts();
    await this.process.terminate('SIGTERM');
    await this.process.start(client, monitor);
  }

  async kill(): Promise<void> {
    await this.process.terminate('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process.terminate('SIGTERM');
    await rm(this.spec.dir, { recursive: true, force: true });
  }

  log(): string {
    return this.process.log();
  }

  private requirePorts(): ServerPorts {
    if (!this.ports) throw new Error('the server has not started');
    return this.ports;
  }
}
