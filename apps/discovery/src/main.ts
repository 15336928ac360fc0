#!/usr/bin/env node
import { runService } from '@switchyard/service';
import { DiscoveryModule } from './discovery.module.js';

await runService({ name: 'discovery', rootModule: DiscoveryModule });
