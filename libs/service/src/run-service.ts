import 'reflect-metadata';
import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InvalidConfigError, isRecord, type SwitchyardConfig } from '@switchyard/contracts';
import { NATS_CONNECTION, type NatsConnection } from '@switchyard/nats';
import type { Logger } from 'pino';
import { createLogger } from './create-logger.js';
import { NestPinoLogger } from './nest-logger.js';
import { readConfig, type ConfigSource } from './read-config-file.js';
import { ServiceCoreModule } from './service-core.module.js';

/** Exit code for a configuration that does not validate (sysexits' EX_CONFIG). */
export const EXIT_INVALID_CONFIG = 78;
/** Exit code when shutdown overran its grace period or start-up failed. */
export const EXIT_FAILURE = 1;
/** Time allowed on top of the grace period for draining NATS and closing sockets. */
const SHUTDOWN_MARGIN_MS = 5_000;

/**
 * How long after its stop signal a service exits at the latest, on its own (with
 * {@link EXIT_FAILURE} when the drain overran): what a supervisor's kill timer must exceed.
 */
export function selfExitDeadlineMs(config: Pick<SwitchyardConfig, 'shutdown'>): number {
  return config.shutdown.grace_ms + SHUTDOWN_MARGIN_MS;
}
/**
 * Set by a supervisor that runs the service in a process group of its own (`switchyard up`): the
 * pid of that supervisor. Such a service gets no terminal signals, so it must notice for itself
 * when the supervisor is gone (killed outright) and stop as it would on SIGTERM.
 */
export const PARENT_PID_ENV = 'SWITCHYARD_PARENT_PID';
/**
 * What a service sends a supervisor that runs it with an IPC channel (`switchyard up`) once it
 * serves: a message, since the "started" line is logged at `info`, which `log.level: warn` holds
 * back.
 */
export interface ServiceStarted {
  readonly type: 'service-started';
  readonly service: string;
}

/** Whether an IPC message says that the service `name` serves. */
export function isServiceStarted(message: unknown, name: string): boolean {
  if (!isRecord(message)) return false;
  const { type, service } = message as Partial<ServiceStarted>;
  return type === 'service-started' && service === name;
}
/** How often a supervised service checks that its supervisor is still its parent. */
const PARENT_CHECK_MS = 500;

export interface ServiceContext {
  name: string;
  config: SwitchyardConfig;
  logger: Logger;
}

export interface ServiceDefinition {
  /** The service's name: on every log line and the NATS connection name. */
  name: string;
  /** The root module. Its providers can inject `SERVICE_CONFIG`, `SERVICE_LOGGER` and `SERVICE_NAME`. */
  rootModule: Type<unknown>;
  /**
   * Creates the Nest application; a plain application context (no HTTP server) by default. The
   * configuration is there for what must be set before the application exists (server options).
   */
  createApplication?: (
    module: DynamicModule,
    logger: NestPinoLogger,
    config: SwitchyardConfig,
  ) => Promise<INestApplicationContext>;
  /** Runs once the application is initialised, for example to start listening. */
  afterInit?: (app: INestApplicationContext, context: ServiceContext) => Promise<void>;
}

export interface RunningService extends ServiceContext {
  app: INestApplicationContext;
  /** Shuts down as a signal would, without exiting the process. */
  stop(reason?: string): Promise<void>;
}

/**
 * Starts a service process: reads and validates the configuration (an invalid one ends the
 * process with a message naming each problem), creates the logger and the Nest application, and
 * installs SIGTERM/SIGINT handling. On a signal the application closes: services stop taking
 * work and finish or cancel what is in flight within `shutdown.grace_ms` (their
 * `beforeApplicationShutdown` hooks), NATS drains (`onApplicationShutdown`), and the process
 * exits 0. A shutdown that overruns, or a second signal, exits 1. A signal during start-up
 * takes effect once start-up is done; one before this runs (while the service's modules load,
 * when nothing has started) ends the process as Node's default does.
 */
export async function runService(
  definition: ServiceDefinition,
  source?: ConfigSource,
): Promise<RunningService> {
  const config = loadConfigOrExit(source);
  const logger = createLogger({ service: definition.name, config: config.log });
  const context: ServiceContext = { name: definition.name, config, logger };

  @Module({
    imports: [ServiceCoreModule.forRoot(definition.name, config, logger), definition.rootModule],
  })
  class ServiceRootModule {}

  // A signal during start-up is kept and acted on once start-up is done: Node's default action
  // would kill the process half-started (NATS not drained, managed programs not stopped). A
  // second one still ends the process at once, so a start-up that hangs can be stopped.
  let startupSignal: NodeJS.Signals | undefined;
  const onStartupSignal = (signal: NodeJS.Signals): void => {
    if (startupSignal !== undefined) {
      logger.warn({ signal }, 'second signal during start-up; exiting now');
      process.exit(EXIT_FAILURE);
    }
    startupSignal = signal;
    logger.info({ signal }, 'signal during start-up; stopping once started');
  };
  process.on('SIGTERM', onStartupSignal);
  process.on('SIGINT', onStartupSignal);

  const nestLogger = new NestPinoLogger(logger);
  const root: DynamicModule = { module: ServiceRootModule };
  let app: INestApplicationContext;
  try {
    app = definition.createApplication
      ? await definition.createApplication(root, nestLogger, config)
      : await NestFactory.createApplicationContext(root, {
          logger: nestLogger,
          abortOnError: false,
        });
    await app.init();
    await definition.afterInit?.(app, context);
    await subscriptionsLive(app, config.nats.connect_timeout_ms);
  } catch (error) {
    // A service that finds the configuration unusable only when it looks closer (a managed
    // backend whose command cannot be worked out) fails as a schema error does: 78, not 1.
    const invalid = invalidConfigIn(error);
    if (invalid !== undefined) exitInvalidConfig(invalid);
    logger.fatal({ err: error }, 'start-up failed');
    process.exit(EXIT_FAILURE);
  }
  // A service runs until it is told to stop, even when nothing else holds the event loop open.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop requested'): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, `${definition.name} shutting down`);
      clearInterval(keepAlive);
      await app.close();
      logger.info(`${definition.name} stopped`);
    })();
    return stopping;
  };

  const shutDown = (reason: string): void => {
    const overrun = setTimeout(() => {
      logger.error(
        { grace_ms: config.shutdown.grace_ms },
        'shutdown overran its grace period; exiting',
      );
      process.exit(EXIT_FAILURE);
    }, selfExitDeadlineMs(config));
    overrun.unref();
    stop(reason).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(EXIT_FAILURE);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(EXIT_FAILURE);
    }
    shutDown(signal);
  };
  process.off('SIGTERM', onStartupSignal);
  process.off('SIGINT', onStartupSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Only now: whoever reads "started" may signal at once, and must find the handlers in place
  // (without them SIGINT kills the process with no shutdown at all).
  logger.info({ grace_ms: config.shutdown.grace_ms }, `${definition.name} started`);
  tellSupervisorStarted(definition.name);
  if (startupSignal !== undefined) onSignal(startupSignal);
  watchParent(() => {
    if (stopping !== undefined) return;
    logger.warn({ parent_pid: process.env[PARENT_PID_ENV] }, 'supervisor gone; stopping');
    shutDown('supervisor gone');
  });

  return { ...context, app, stop };
}

/**
 * Calls `onGone` once the supervisor named by {@link PARENT_PID_ENV} is no longer this process's
 * parent (it died and the process was re-parented). The reading end of stdout and stderr went
 * with it, so writes there fail (EPIPE, then a destroyed stream) from then on. Those failures
 * are dropped, as nobody is left to read the lines: the shutdown's log lines must not end the
 * process before it has stopped.
 */
function watchParent(onGone: () => void): void {
  const supervisor = Number(process.env[PARENT_PID_ENV]);
  if (!Number.isSafeInteger(supervisor) || supervisor <= 0) return;
  const check = (): void => {
    if (process.ppid === supervisor) return;
    clearInterval(timer);
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    onGone();
  };
  const timer = setInterval(check, PARENT_CHECK_MS);
  timer.unref();
  check();
}

function loadConfigOrExit(source: ConfigSource | undefined): SwitchyardConfig {
  try {
    return readConfig(source);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    exitInvalidConfig(error);
  }
}

/** Every problem of an invalid configuration on stderr, then exit 78. */
function exitInvalidConfig(error: InvalidConfigError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(EXIT_INVALID_CONFIG);
}

/** The `InvalidConfigError` behind a start-up failure, however deep a framework wrapped it. */
function invalidConfigIn(error: unknown): InvalidConfigError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; depth++) {
    if (cause instanceof InvalidConfigError) return cause;
    cause = cause.cause;
  }
  return undefined;
}

/**
 * Waits until the NATS server has every subscription the service made while starting (a round
 * trip), so that "started" means a request sent now finds its responder. Services without NATS
 * skip it; a server that does not answer in time delays "started" no longer than that.
 */
async function subscriptionsLive(app: INestApplicationContext, timeoutMs: number): Promise<void> {
  let nc: NatsConnection;
  try {
    nc = app.get<NatsConnection>(NATS_CONNECTION, { strict: false });
  } catch {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    nc.flush().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}

/**
 * Tells a supervisor that gave this process an IPC channel that it serves, then lets go of the
 * channel: nothing more goes over it, and an open one would keep the process alive.
 */
function tellSupervisorStarted(name: string): void {
  if (process.send === undefined) return;
  const message: ServiceStarted = { type: 'service-started', service: name };
  const letGo = (): void => {
    if (process.connected) process.disconnect();
  };
  try {
    process.send(message, letGo);
  } catch {
    // The supervisor is gone already; watchParent stops this service.
    letGo();
  }
}
