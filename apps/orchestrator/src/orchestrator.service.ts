import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { encodeMessage, Subjects, type SwitchyardConfig } from '@switchyard/contracts';
import {
  ConnectionWatch,
  NATS_CONNECTION,
  RequestStreamClient,
  StreamServer,
  type NatsConnection,
} from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';
import { EnsureCoordinator } from './commands/ensure-coordinator.js';
import { OrchestratorCommands } from './commands/orchestrator-commands.js';
import { PullForwarder } from './commands/pull-forwarder.js';
import { Fleet } from './fleet/fleet.js';
import { BackendManagement } from './fleet/management-call.js';
import { WorkerCatalogue } from './fleet/worker-catalogue.js';
import { BackendSupervisor } from './supervision/backend-supervisor.js';
import { IdleReaper } from './usage/idle-reaper.js';
import { LoadedModels } from './usage/loaded-models.js';
import { UsageLedger } from './usage/usage-ledger.js';

/** Heartbeats on command streams: starts and pulls are long and otherwise quiet. */
const HEARTBEAT_INTERVAL_MS = 1_000;
/** A command without `timeout_ms` may run this long (a start, then a worker to appear). */
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The orchestrator: one supervisor per configured backend, the commands that reach them over
 * NATS, and the idle reaper. On shutdown it stops taking commands, then stops every managed
 * backend (SIGTERM, SIGKILL after `stop_grace_ms`), so nothing it started outlives it.
 */
@Injectable()
export class OrchestratorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly fleet: Fleet;
  private readonly server: StreamServer;
  private readonly commands: OrchestratorCommands;
  private readonly reaper: IdleReaper;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(Subjects) private readonly subjects: Subjects,
    @Inject(ConnectionWatch) connection: ConnectionWatch,
    @Inject(SERVICE_CONFIG) config: SwitchyardConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    const settings = config.orchestrator;
    this.fleet = new Fleet(
      config.backends.map(
        (backend) =>
          new BackendSupervisor({
            backend,
            settings,
            logger,
            publish: (event) => nc.publish(subjects.lifecycle(event.backend), encodeMessage(event)),
          }),
      ),
    );
    this.server = new StreamServer(nc, {
      subjects,
      workerId: `orchestrator-${hostname()}-${process.pid}`,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      defaultTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
      connection,
      logger,
    });
    const workers = new WorkerCatalogue(nc, subjects);
    const usage = new UsageLedger();
    const client = new RequestStreamClient(nc, {
      subjects,
      idleTimeoutMs: 30_000,
      connection,
      logger,
    });
    const management = new BackendManagement(client, subjects);
    const pulls = new PullForwarder({
      fleet: this.fleet,
      subjects,
      pullMode: settings.pull_mode,
      client,
    });
    this.commands = new OrchestratorCommands({
      nc,
      subjects,
      server: this.server,
      fleet: this.fleet,
      logger,
      ensure: new EnsureCoordinator({
        fleet: this.fleet,
        workers,
        usage,
        management,
        pulls,
        workerWaitMs: settings.worker_wait_ms,
      }),
      pulls,
    });
    this.reaper = new IdleReaper({
      nc,
      subjects,
      fleet: this.fleet,
      workers,
      usage,
      loadedModels: new LoadedModels({
        fleet: this.fleet,
        management,
        subjects,
        usage,
        maxLoaded: settings.max_loaded_models,
        logger,
      }),
      pollMs: settings.usage_poll_ms,
      logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.commands.start();
    // "Ready" only once the server has the command subscriptions: a command sent right after
    // would otherwise find no responder.
    await this.nc.flush();
    this.reaper.start();
    const modes = this.fleet.supervisors().map((s) => `${s.id}=${s.config.mode}`);
    this.logger.info({ backends: modes }, 'orchestrator ready');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.reaper.stop();
    await this.commands.stop();
    await this.server.stop({ graceMs: 1_000 });
    await Promise.all(this.fleet.supervisors().map((supervisor) => supervisor.shutdown()));
  }
}
