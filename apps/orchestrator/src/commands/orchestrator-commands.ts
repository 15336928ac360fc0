import type { Subscription } from '@nats-io/transport-node';
import {
  backendCommandSchema,
  checkMessage,
  decodeMessage,
  ensureCommandSchema,
  logsCommandSchema,
  ORCHESTRATOR_COMMANDS,
  pullCommandSchema,
  statusCommandSchema,
  type BackendCommand,
  type BackendStatus,
  type Subjects,
} from '@switchyard/contracts';
import {
  answerUnknownCommands,
  COMMAND_END,
  respondWithin,
  type NatsConnection,
  type StreamContext,
  type StreamEndpoint,
  type StreamServer,
} from '@switchyard/nats';
import type { Logger } from '@switchyard/service';
import type { z } from 'zod';
import type { Fleet } from '../fleet/fleet.js';
import type { EnsureCoordinator } from './ensure-coordinator.js';
import type { PullForwarder } from './pull-forwarder.js';
import { answerTooLarge, fitLogs } from './reply-size.js';

export interface OrchestratorCommandsOptions {
  nc: NatsConnection;
  subjects: Subjects;
  server: StreamServer;
  fleet: Fleet;
  ensure: EnsureCoordinator;
  pulls: PullForwarder;
  logger: Logger;
}

type LifecycleCommand = 'start' | 'stop' | 'restart';

/**
 * The orchestrator's NATS surface. `start`, `stop`, `restart`, `ensure` and `pull` are
 * request-stream commands served by the {@link StreamServer}; `status` and `logs` answer at once
 * with one JSON reply. All of them, in one queue group, name configured backends only.
 */
export class OrchestratorCommands {
  private readonly endpoints: StreamEndpoint[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly options: OrchestratorCommandsOptions) {}

  start(): void {
    const { subjects, server, ensure, pulls } = this.options;
    const queue = subjects.orchestratorQueue;
    for (const command of ['start', 'stop', 'restart'] as const) {
      this.endpoints.push(
        server.serve(
          subjects.orchestrator(command),
          { schema: backendCommandSchema, what: `${command} command`, queue },
          (request, ctx) => this.lifecycle(command, request, ctx),
        ),
      );
    }
    this.endpoints.push(
      server.serve(
        subjects.orchestrator('ensure'),
        { schema: ensureCommandSchema, what: 'ensure command', queue },
        (request, ctx) => ensure.handle(request, ctx),
      ),
      server.serve(
        subjects.orchestrator('pull'),
        { schema: pullCommandSchema, what: 'pull command', queue },
        (request, ctx) => pulls.handle(request, ctx),
      ),
    );
    this.reply('status', (body) => {
      const request = decodeCommand(statusCommandSchema, body, 'status command');
      const supervisors =
        request.backend === undefined
          ? this.options.fleet.supervisors()
          : [this.options.fleet.supervisor(request.backend)];
      return { backends: supervisors.map((supervisor) => supervisor.status()) };
    });
    this.reply('logs', (body, maxPayload) => {
      const request = decodeCommand(logsCommandSchema, body, 'logs command');
      const supervisor = this.options.fleet.supervisor(request.backend);
      return fitLogs(supervisor.id, supervisor.logs(request.lines), maxPayload);
    });
    this.subscriptions.push(
      answerUnknownCommands(this.options.nc, {
        wildcard: subjects.orchestratorWildcard,
        known: ORCHESTRATOR_COMMANDS,
        what: 'orchestrator',
        queue,
        logger: this.options.logger,
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.endpoints.map((endpoint) => endpoint.stop()));
    await Promise.all(this.subscriptions.map((subscription) => subscription.drain()));
  }

  private async lifecycle(
    command: LifecycleCommand,
    request: BackendCommand,
    ctx: StreamContext,
  ): Promise<typeof COMMAND_END> {
    const supervisor = this.options.fleet.supervisor(request.backend);
    ctx.start({ kind: supervisor.config.kind, backend: supervisor.id });
    let status: BackendStatus;
    if (command === 'stop') status = await supervisor.stop();
    else if (command === 'restart') status = await supervisor.restart(ctx.signal);
    else status = await supervisor.start(ctx.signal);
    ctx.send({ type: 'delta', result: status });
    return COMMAND_END;
  }

  /**
   * A plain request/reply command: the answer, or `{"error"}` with a catalogued error. An answer
   * over the server's max_payload becomes `payload_too_large` (`logs` cuts its own to fit first),
   * and a reply that still cannot be sent is logged ({@link respondWithin}).
   */
  private reply(
    command: 'status' | 'logs',
    answer: (body: Uint8Array, maxPayload: number) => unknown,
  ): void {
    const { nc, subjects, logger } = this.options;
    this.subscriptions.push(
      nc.subscribe(subjects.orchestrator(command), {
        queue: subjects.orchestratorQueue,
        callback: (error, msg) => {
          if (error) return logger.error({ err: error }, `${command} subscription failed`);
          respondWithin(nc, msg, (maxPayload) => answer(msg.data, maxPayload), {
            what: command,
            tooLarge: (bytes, maxPayload) =>
              answerTooLarge(command, bytes, maxPayload, TOO_LARGE_HINT[command]),
            logger,
          });
        },
      }),
    );
  }
}

/**
 * A plain command's message, where an empty body stands for `{}`: what the `nats` CLI sends when
 * given none, so `nats request switchyard.v1.orchestrator.status ''` lists every backend.
 */
function decodeCommand<T extends z.ZodType>(schema: T, body: Uint8Array, what: string): z.infer<T> {
  return body.length === 0 ? checkMessage(schema, {}, what) : decodeMessage(schema, body, what);
}

/** What to do instead when a whole answer is over max_payload. */
const TOO_LARGE_HINT = {
  status:
    'ask for one backend with {"backend": <id>}, or raise max_payload in the NATS server configuration',
  logs: 'raise max_payload in the NATS server configuration',
} as const;
