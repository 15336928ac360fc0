import { errors as natsErrors } from '@nats-io/transport-node';
import {
  decodeMessage,
  encodeMessage,
  orchestratorErrorReplySchema,
  overrideVariable,
  Subjects,
  SwitchyardError,
  type SwitchyardConfig,
} from '@switchyard/contracts';
import {
  ConnectionWatch,
  connectNats,
  NatsConnectError,
  RequestStreamClient,
  type NatsConnection,
  type StreamFrame,
  type StreamRequest,
} from '@switchyard/nats';
import { readConfig } from '@switchyard/service';
import type { z } from 'zod';
import { InterruptedError, UnavailableError } from '../cli/cli-errors.js';
import { stdoutClosed } from '../output/write.js';
import { missingService, silentService, type FleetService } from './missing-service.js';

/**
 * One command's connection to the fleet: the configuration read exactly as the services read it
 * (`--config`, else `SWITCHYARD_CONFIG`, else `./switchyard.yaml`, plus `SWITCHYARD_*`
 * overrides), one NATS connection from it, and the protocol clients. SIGINT and SIGTERM abort
 * {@link signal}, which cancels whatever request is in flight; so does a closed stdout, as
 * nobody is left to read the answer.
 */
export class NatsSession {
  readonly subjects: Subjects;
  readonly client: RequestStreamClient;
  private readonly controller = new AbortController();
  private readonly onSignal = (signal: NodeJS.Signals): void =>
    this.controller.abort(new InterruptedError(`interrupted by ${signal}`));
  private readonly onOutputClosed = (): void => this.controller.abort(stdoutClosed.reason);

  private constructor(
    readonly config: SwitchyardConfig,
    readonly nc: NatsConnection,
  ) {
    this.subjects = new Subjects(config.nats.subject_prefix);
    this.client = new RequestStreamClient(nc, {
      subjects: this.subjects,
      // The same silence the gateway allows a responder: long-running commands send heartbeats.
      idleTimeoutMs: config.gateway.stream_idle_timeout_ms,
      connection: new ConnectionWatch(nc, { outageWaitMs: config.nats.outage_wait_ms }),
    });
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    if (stdoutClosed.aborted) this.onOutputClosed();
    else stdoutClosed.addEventListener('abort', this.onOutputClosed, { once: true });
  }

  /** Reads the configuration and connects; NATS that cannot be reached is an {@link UnavailableError}. */
  static async open(configFile: string | undefined): Promise<NatsSession> {
    const config = readConfig({ argv: configFile === undefined ? [] : ['--config', configFile] });
    try {
      const nc = await connectNats(config.nats, { name: 'switchyard-cli' });
      return new NatsSession(config, nc);
    } catch (error) {
      if (!(error instanceof NatsConnectError)) throw error;
      throw new UnavailableError(
        `${error.message}. Is nats-server running there? "switchyard up" starts one, or set ` +
          `nats.servers (${overrideVariable('nats', 'servers')}) to where yours runs`,
      );
    }
  }

  /** The NATS server this command is connected to, as `host:port`. */
  get server(): string {
    return this.nc.getServer();
  }

  /** Aborted by SIGINT or SIGTERM, or by a closed stdout. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * A plain request/reply command (`status`, `logs`, the discovery snapshot). The reply is
   * validated against `schema`; `{"error"}` replies become the {@link SwitchyardError} they carry.
   */
  async request<T>(
    service: FleetService,
    subject: string,
    body: unknown,
    schema: z.ZodType<T>,
    timeoutMs: number,
  ): Promise<T> {
    let data: Uint8Array;
    try {
      const reply = this.nc.request(subject, encodeMessage(body), { timeout: timeoutMs });
      data = (await untilAborted(reply, this.signal)).data;
    } catch (error) {
      if (error instanceof natsErrors.RequestError && error.isNoResponders()) {
        throw missingService(service, subject, this.server);
      }
      if (error instanceof natsErrors.TimeoutError)
        throw silentService(service, subject, timeoutMs, this.server);
      throw error;
    }
    const what = `${service} reply`;
    const failure = orchestratorErrorReplySchema.safeParse(safeJson(data));
    if (failure.success) throw SwitchyardError.fromWire(failure.data.error);
    return decodeMessage(schema, data, what);
  }

  /**
   * A request-stream command. Nobody subscribed becomes `missing`, and NATS lost for longer than
   * `nats.outage_wait_ms` an {@link UnavailableError} of its own (exit 69); an abort by a signal
   * becomes an {@link InterruptedError}; the fleet's own errors pass through.
   */
  async *stream(
    subject: string,
    request: StreamRequest,
    missing: () => UnavailableError,
  ): AsyncGenerator<StreamFrame> {
    const frames = this.client.stream(subject, request, { signal: this.signal });
    try {
      yield* frames;
    } catch (error) {
      if (error instanceof SwitchyardError && error.code === 'no_responders') throw missing();
      if (error instanceof SwitchyardError && error.code === 'nats_unavailable') {
        throw new UnavailableError(error.message, { cause: error });
      }
      if (this.signal.aborted) throw this.signal.reason as Error;
      throw error;
    }
  }

  async close(): Promise<void> {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    stdoutClosed.removeEventListener('abort', this.onOutputClosed);
    await this.nc.close();
  }
}

/** `work`, or the signal's reason as soon as it aborts (a reply that comes later is dropped). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as unknown;
  } catch {
    return undefined;
  }
}

/** Runs `use` with a session opened from `configFile`, closing it however `use` ends. */
export async function withSession<T>(
  configFile: string | undefined,
  use: (session: NatsSession) => Promise<T>,
): Promise<T> {
  const session = await NatsSession.open(configFile);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}
