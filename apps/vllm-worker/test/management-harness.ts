import { fileURLToPath } from 'node:url';
import { startSimulator } from '@switchyard/backend-sim';
import { Subjects } from '@switchyard/contracts';
import { ConnectionWatch, RequestStreamClient } from '@switchyard/nats';
import { createLogger } from '@switchyard/service';
import { defineManagementBed } from '@switchyard/testing';
import { WorkerLifecycle } from '@switchyard/worker-runtime';
import { VllmAdapter } from '../src/index.js';

// The vllm worker behind a nats-server of its own, for the model-management tests.

export const BACKEND_ID = 'vllm-local';

export const startManagementBed = defineManagementBed({
  kind: 'vllm',
  backendId: BACKEND_ID,
  entry: fileURLToPath(new URL('../dist/main.js', import.meta.url)),
  startSimulator,
  RequestStreamClient,
  createLifecycle: (nc, config) =>
    new WorkerLifecycle(
      new VllmAdapter(),
      nc,
      new Subjects(),
      config,
      createLogger({ service: 'vllm-worker', config: { level: 'silent', format: 'json' } }),
      new ConnectionWatch(nc),
    ),
});

export type ManagementBed = Awaited<ReturnType<typeof startManagementBed>>;
export { nextManagementRequestId as nextId, rejectionOf } from '@switchyard/testing';
