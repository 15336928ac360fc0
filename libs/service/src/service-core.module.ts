import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/contracts';
import type { Logger } from 'pino';
import { SERVICE_LOGGER, SERVICE_NAME, SERVICE_CONFIG } from './service-tokens.js';

/** Makes the configuration, the logger and the service name injectable everywhere. */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(name: string, config: SwitchyardConfig, logger: Logger): DynamicModule {
    return {
      module: ServiceCoreModule,
      providers: [
        { provide: SERVICE_NAME, useValue: name },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_LOGGER, useValue: logger },
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG, SERVICE_LOGGER],
    };
  }
}
