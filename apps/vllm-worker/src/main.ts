#!/usr/bin/env node
// The vllm worker: serves the models of the configured vllm backends over NATS.
import { runWorker } from '@switchyard/worker-runtime';
import { VllmAdapter } from './vllm/vllm.adapter.js';

await runWorker(new VllmAdapter());
