#!/usr/bin/env node
// The lmstudio worker: serves the models of the configured lmstudio backends over NATS.
import { runWorker } from '@switchyard/worker-runtime';
import { LmStudioAdapter } from './lmstudio/lmstudio.adapter.js';

await runWorker(new LmStudioAdapter());
