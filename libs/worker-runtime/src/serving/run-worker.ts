import { Module } from '@nestjs/common';
import { workerServiceName } from '@switchyard/contracts';
import { runService, serviceNatsModule, type RunningService } from '@switchyard/service';
import type { BackendAdapter } from '../backend-adapter.js';
import { BACKEND_ADAPTER, WorkerLifecycle } from './worker-lifecycle.js';

/**
 * The whole `main` of a worker app: a service named `<kind>-worker` that connects to NATS and
 * serves the models of the configured backends of the adapter's kind.
 */
export function runWorker(adapter: BackendAdapter): Promise<RunningService> {
  @Module({
    imports: [serviceNatsModule()],
    providers: [{ provide: BACKEND_ADAPTER, useValue: adapter }, WorkerLifecycle],
  })
  class WorkerModule {}

  return runService({ name: workerServiceName(adapter.kind), rootModule: WorkerModule });
}
