#!/usr/bin/env node
// The ollama worker: serves the models of the configured ollama backends over NATS.
import { runWorker } from '@switchyard/worker-runtime';
import { OllamaAdapter } from './ollama/ollama.adapter.js';

await runWorker(new OllamaAdapter());
