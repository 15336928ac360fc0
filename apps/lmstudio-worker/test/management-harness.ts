import { fileURLToPath } from 'node:url';
import { startSimulator } from '@switchyard/backend-sim';
import { Subjects } from '@switchyard/contracts';
import { ConnectionWatch, RequestStreamClient } from '@switchyard/nats';
import { createLogger } from '@switchyard/service';
import { defineManagementBed } from '@switchyard/testing';
import { WorkerLifecycle } from '@switchyard/worker-runtime';
import { LmStudioAdapter } from '../src/index.js';

// The lmstudio worker behind a nats-server of its own, for the model-management tests.

export const BACKEND_ID = 'lmstudio-local';

export const startManagementBed = defineManagementBed({
  kind: 'lmstudio',
  backendId: BACKEND_ID,
  entry: fileURLToPath(new URL('../dist/main.js', import.meta.url)),
  startSimulator,
  RequestStreamClient,
  createLifecycle: (nc, config) =>
    new WorkerLifecycle(
      new LmStudioAdapter(),
      nc,
      new Subjects(),
      config,
      createLogger({ service: 'lmstudio-worker', config: { level: 'silent', format: 'json' } }),
      new ConnectionWatch(nc),
    ),
});

export type ManagementBed = Awaited<ReturnType<typeof startManagementBed>>;
export { nextManagementRequestId as nextId, rejectionOf } from '@switchyard/testing';
