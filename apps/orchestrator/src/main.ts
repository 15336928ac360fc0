#!/usr/bin/env node
import { runService } from '@switchyard/service';
import { OrchestratorModule } from './orchestrator.module.js';

await runService({ name: 'orchestrator', rootModule: OrchestratorModule });
