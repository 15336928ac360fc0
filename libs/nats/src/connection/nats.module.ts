import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, type NatsConfig } from '@switchyard/contracts';
import { silentLogger, type NatsLogger } from '../logger.js';
import { connectNats, parseNatsConfig, type NatsConfigInput } from './connect-nats.js';
import { ConnectionWatch } from './connection-watch.js';

/** Injection token of the process's {@link NatsConnection}: `@Inject(NATS_CONNECTION)`. */
export const NATS_CONNECTION = Symbol('switchyard:nats-connection');
const NATS_MODULE_OPTIONS = Symbol('switchyard:nats-module-options');

/** How long draining may take at shutdown before the connection is simply closed. */
export const NATS_DRAIN_TIMEOUT_MS = 5_000;

/** `@InjectNats()`: shorthand for `@Inject(NATS_CONNECTION)`. */
export const InjectNats = (): PropertyDecorator & ParameterDecorator => Inject(NATS_CONNECTION);

export interface NatsModuleOptions {
  /** The `nats` section of the configuration. */
  config: NatsConfigInput;
  /** The connection name (the service's name); overrides `config.name`. */
  name?: string;
  logger?: NatsLogger;
}

export interface NatsModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => NatsModuleOptions | Promise<NatsModuleOptions>;
}

interface ResolvedOptions {
  config: NatsConfig;
  name: string | undefined;
  logger: NatsLogger;
}

/** Drains the connection when the application shuts down, so in-flight messages are delivered. */
@Injectable()
class NatsShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(NATS_MODULE_OPTIONS) private readonly options: ResolvedOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), NATS_DRAIN_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([this.nc.drain(), timedOut]);
      if (outcome === 'timeout') {
        this.options.logger.warn({}, 'NATS drain did not finish in time; closing');
        await this.nc.close();
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'NATS drain failed; closing');
      if (!this.nc.isClosed()) await this.nc.close();
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * One NATS connection per process, for Nest applications. It provides the connection under
 * {@link NATS_CONNECTION}, the process's {@link Subjects} (built from `subject_prefix`) under
 * the `Subjects` class and the connection's {@link ConnectionWatch} (waiting `outage_wait_ms`)
 * under its class, and drains the connection on application shutdown. Global: import it once in
 * the root module. Anything that runs without Nest uses {@link connectNats} directly.
 */
@Global()
@Module({})
export class NatsModule {
  static forRoot(options: NatsModuleOptions): DynamicModule {
    return NatsModule.build([], {
      provide: NATS_MODULE_OPTIONS,
      useValue: resolve(options),
    });
  }

  static forRootAsync(options: NatsModuleAsyncOptions): DynamicModule {
    return NatsModule.build(options.imports ?? [], {
      provide: NATS_MODULE_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => resolve(await options.useFactory(...args)),
    });
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: Provider,
  ): DynamicModule {
    return {
      module: NatsModule,
      imports,
      providers: [
        optionsProvider,
        {
          provide: NATS_CONNECTION,
          inject: [NATS_MODULE_OPTIONS],
          useFactory: ({ config, name, logger }: ResolvedOptions) =>
            connectNats(config, name === undefined ? { logger } : { name, logger }),
        },
        {
          provide: Subjects,
          inject: [NATS_MODULE_OPTIONS],
          useFactory: ({ config }: ResolvedOptions) => new Subjects(config.subject_prefix),
        },
        {
          provide: ConnectionWatch,
          inject: [NATS_CONNECTION, NATS_MODULE_OPTIONS],
          useFactory: (nc: NatsConnection, { config }: ResolvedOptions) =>
            new ConnectionWatch(nc, { outageWaitMs: config.outage_wait_ms }),
        },
        NatsShutdown,
      ],
      exports: [NATS_CONNECTION, Subjects, ConnectionWatch],
    };
  }
}

function resolve(options: NatsModuleOptions): ResolvedOptions {
  return {
    config: parseNatsConfig(options.config),
    name: options.name,
    logger: options.logger ?? silentLogger,
  };
}
