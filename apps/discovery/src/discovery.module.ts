import { Module } from '@nestjs/common';
import { serviceNatsModule } from '@switchyard/service';
import { DiscoveryService } from './discovery.service.js';

/** The discovery service's root module. */
@Module({ imports: [serviceNatsModule()], providers: [DiscoveryService] })
export class DiscoveryModule {}
