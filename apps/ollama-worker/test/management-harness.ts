import { fileURLToPath } from 'node:url';
import { startSimulator } from '@switchyard/backend-sim';
import { Subjects } from '@switchyard/contracts';
import { ConnectionWatch, RequestStreamClient } from '@switchyard/nats';
import { createLogger } from '@switchyard/service';
import { defineManagementBed } from '@switchyard/testing';
import { WorkerLifecycle } from '@switchyard/worker-runtime';
import { OllamaAdapter } from '../src/index.js';

// The ollama worker behind a nats-server of its own, for the model-management tests.

export const BACKEND_ID = 'ollama-local';

export const startManagementBed = defineManagementBed({
  kind: 'ollama',
  backendId: BACKEND_ID,
  entry: fileURLToPath(new URL('../dist/main.js', import.meta.url)),
  startSimulator,
  RequestStreamClient,
  createLifecycle: (nc, config) =>
    new WorkerLifecycle(
      new OllamaAdapter(),
      nc,
      new Subjects(),
      config,
      createLogger({ service: 'ollama-worker', config: { level: 'silent', format: 'json' } }),
      new ConnectionWatch(nc),
    ),
});

export type ManagementBed = Awaited<ReturnType<typeof startManagementBed>>;
export { nextManagementRequestId as nextId, rejectionOf } from '@switchyard/testing';
