import {
  MANAGEMENT_COMMANDS,
  MANAGEMENT_REQUEST_SCHEMAS,
  managementQuerySchema,
  SwitchyardError,
  type ManagementCommandName,
  type Subjects,
} from '@switchyard/contracts';
import {
  answerUnknownCommands,
  StreamServer,
  type ConnectionWatch,
  type NatsConnection,
  type NatsLogger,
  type StreamContext,
  type StreamEnd,
  type Subscription,
} from '@switchyard/nats';
import type { BackendAdapter, BackendEndpoint } from '../backend-adapter.js';
import { isFleetFailure } from '../serving/fleet-failure.js';
import { managementHandler, type ErasedManagementOperation } from './management-handler.js';

/** Management requests are a few fields; anything bigger is not one. */
export const MAX_MANAGEMENT_REQUEST_BYTES = 64 * 1024;

/** Commands that fetch models from outside the fleet. */
const PULL_COMMANDS: ReadonlySet<ManagementCommandName> = new Set(['pull', 'download']);

export interface WorkerManagementOptions {
  nc: NatsConnection;
  /** The connection's outages, as the process's NATS module watches them. */
  connection?: ConnectionWatch;
  subjects: Subjects;
  adapter: BackendAdapter;
  /** The configured backends of the adapter's kind; each gets its own management subjects. */
  endpoints: readonly BackendEndpoint[];
  /** Re-reads which models the endpoints serve: the worker runtime's `refresh()`. */
  refresh(): Promise<void>;
  heartbeatIntervalMs: number;
  /** The deadline of a command that names none. */
  defaultTimeoutMs: number;
  /** Sent in every start frame: the worker runtime's id. */
  workerId: string;
  /** `false` refuses `pull` and `download` with `pull_refused`, as an air-gapped fleet must. */
  allowPulls?: boolean;
  logger: NatsLogger;
}

/**
 * Serves the model management commands of every configured backend on
 * `<prefix>.v1.backend.<id>.<command>`, in the workers' queue group, so that of all the replicas
 * fronting a backend exactly one answers. Every command is subscribed, for every kind: one the
 * kind cannot do is answered with `unsupported` rather than left to look like a missing worker.
 *
 * Replies are the inference frame stream, from a stream server of its own, so cancellation,
 * deadlines and heartbeats behave as they do for inference.
 */
export class WorkerManagement {
  private readonly server: StreamServer;
  private readonly unknownCommands: Subscription[] = [];
  private started = false;

  constructor(private readonly options: WorkerManagementOptions) {
    this.server = new StreamServer(options.nc, {
      subjects: options.subjects,
      workerId: options.workerId,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      defaultTimeoutMs: options.defaultTimeoutMs,
      maxRequestBytes: MAX_MANAGEMENT_REQUEST_BYTES,
      ...(options.connection === undefined ? {} : { connection: options.connection }),
      logger: options.logger,
    });
  }

  /** Subscribes to every backend's management subjects; resolves once the server has them. */
  async start(): Promise<void> {
    if (this.started) throw new Error('worker management was already started');
    this.started = true;
    const { nc, subjects, logger } = this.options;
    for (const endpoint of this.options.endpoints) {
      for (const command of MANAGEMENT_COMMANDS) this.serve(endpoint, command);
      this.unknownCommands.push(
        answerUnknownCommands(nc, {
          wildcard: subjects.managementWildcard(endpoint.id),
          known: MANAGEMENT_COMMANDS,
          what: `management (backend ${endpoint.id})`,
          queue: subjects.workerQueue,
          logger,
        }),
      );
    }
    await nc.flush();
  }

  /** Stops taking commands; those in flight get `graceMs` to finish, then are cancelled. */
  async stop({ graceMs }: { graceMs: number }): Promise<void> {
    for (const subscription of this.unknownCommands) subscription.unsubscribe();
    await this.server.stop({ graceMs });
  }

  private serve(endpoint: BackendEndpoint, command: ManagementCommandName): void {
    const subject = this.options.subjects.management(endpoint.id, command);
    const what = `${command} request`;
    const operation = this.operationFor(command);
    if (typeof operation === 'string') {
      // Refused whatever the body holds, as long as it has an id to answer under.
      const code = operation;
      const message =
        code === 'pull_refused'
          ? `${command} is refused: orchestrator.pull_mode is airgapped`
          : `${this.options.adapter.kind} backends do not support ${command}`;
      this.server.serve(subject, { schema: managementQuerySchema, what }, () => {
        throw new SwitchyardError(code, message, { details: { backend: endpoint.id, command } });
      });
      return;
    }
    const handler = managementHandler({
      kind: this.options.adapter.kind,
      endpoint,
      command,
      operation,
      afterChange: () => this.afterChange(endpoint, command),
    });
    this.server.serve(
      subject,
      { schema: MANAGEMENT_REQUEST_SCHEMAS[command], what },
      (request, ctx) => this.logged(endpoint, command, request, ctx, handler),
    );
  }

  /** The operation serving a command, or the code it is refused with. */
  private operationFor(
    command: ManagementCommandName,
  ): ErasedManagementOperation | 'unsupported' | 'pull_refused' {
    const { adapter } = this.options;
    if (command === 'models') {
      return async (endpoint, _request, signal) => ({
        models: await adapter.listModels(endpoint, signal),
      });
    }
    if (PULL_COMMANDS.has(command) && this.options.allowPulls === false) return 'pull_refused';
    // Each command's schema validates its request before the operation sees it.
    const operation = adapter.management?.[command] as ErasedManagementOperation | undefined;
    return operation === undefined ? 'unsupported' : operation.bind(adapter.management);
  }

  /** Commands change the fleet, so each leaves a line in the log, whatever its outcome. */
  private async logged(
    endpoint: BackendEndpoint,
    command: ManagementCommandName,
    request: object,
    ctx: StreamContext,
    handler: (request: unknown, ctx: StreamContext) => Promise<StreamEnd>,
  ): Promise<StreamEnd> {
    const startedAt = performance.now();
    const {
      id: _id,
      timeout_ms: _timeout,
      ...target
    } = request as {
      id: string;
      timeout_ms?: number;
    };
    // ctx.log already carries the request's id (the caller's, when it sent one).
    const fields = { backend: endpoint.id, command, ...target };
    try {
      const end = await handler(request, ctx);
      const ms = Math.round(performance.now() - startedAt);
      ctx.log.info(Object.assign({}, fields, { ms }), 'management command done');
      return end;
    } catch (error) {
      // As for inference requests: a warning for the fleet's failures, not the caller's.
      const level = isFleetFailure(error) ? 'warn' : 'info';
      ctx.log[level](Object.assign({}, fields, { err: error }), 'management command failed');
      throw error;
    }
  }

  private async afterChange(endpoint: BackendEndpoint, command: ManagementCommandName) {
    try {
      // refresh() joins a read already under way, which may have listed the backend before the
      // change; the second call is a read that starts after it.
      await this.options.refresh();
      await this.options.refresh();
    } catch (error) {
      // The command itself succeeded; the periodic refresh catches up.
      this.options.logger.warn(
        { err: error, backend: endpoint.id, command },
        'served models not refreshed after a management command',
      );
    }
  }
}
