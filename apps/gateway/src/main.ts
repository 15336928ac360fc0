#!/usr/bin/env node
import { runService } from '@switchyard/service';
import { gatewayService } from './gateway-service.js';

await runService(gatewayService);
