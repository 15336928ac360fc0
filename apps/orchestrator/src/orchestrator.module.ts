import { Module } from '@nestjs/common';
import { serviceNatsModule } from '@switchyard/service';
import { OrchestratorService } from './orchestrator.service.js';

/** The orchestrator service's root module. */
@Module({ imports: [serviceNatsModule()], providers: [OrchestratorService] })
export class OrchestratorModule {}
