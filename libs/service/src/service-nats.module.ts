import type { DynamicModule } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/contracts';
import { NatsModule } from '@switchyard/nats';
import type { Logger } from 'pino';
import { SERVICE_LOGGER, SERVICE_NAME, SERVICE_CONFIG } from './service-tokens.js';

/**
 * The process's NATS connection, configured from the `nats` section, named after the service
 * and logging through the service's logger. Import it in a service's root module; it provides
 * `NATS_CONNECTION` and `Subjects`, and drains on shutdown.
 */
export function serviceNatsModule(): DynamicModule {
  return NatsModule.forRootAsync({
    inject: [SERVICE_CONFIG, SERVICE_LOGGER, SERVICE_NAME],
    useFactory: (config: SwitchyardConfig, logger: Logger, name: string) => ({
      config: config.nats,
      name,
      logger,
    }),
  });
}
